/** Text shown to people: Chinese first, English beside it (cards carry both). */
export interface Bilingual {
  zh_cn: string;
  en_us: string;
}
