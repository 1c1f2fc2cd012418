/**
 * A knowledge-base corpus built in code (issue 14): topics that come back year after year, each
 * an original suggestion and a reworded near-duplicate two years later, among generated suggestions
 * on other subjects in several years. The relevance test asks for each topic by its words and
 * expects the original in the top three; the bench makes as many rows as it is told.
 */
import type { RawRow } from '../../src/app/import/suggestion-row.ts';

export interface Topic {
  /** What a person would type after 查. */
  query: string;
  title: string;
  body: string;
  /** The near-duplicate, years later. */
  again: { title: string; body: string };
  unit: string;
}

/** Topics none of the fixture's 30 suggestions is about, several asked by two characters. */
export const TOPICS: Topic[] = [
  { query: '电梯', title: '关于老旧小区加装电梯的建议', body: '老旧住宅无电梯，老人上下楼难，建议简化加装审批。', again: { title: '关于加快推进既有住宅加装电梯的建议', body: '加装电梯补贴标准不一，建议统一。' }, unit: 'zjw' },
  { query: '医保', title: '关于推进医保异地就医直接结算的建议', body: '外出务工人员看病垫资多，报销周期长。', again: { title: '关于扩大医保跨省直接结算范围的建议', body: '异地就医备案手续繁琐。' }, unit: 'wjw' },
  { query: '助餐', title: '关于建设社区老年助餐点的建议', body: '独居老人吃饭难，建议依托社区食堂开设助餐点。', again: { title: '关于完善老年助餐服务补贴的建议', body: '助餐点运营困难，需要补贴。' }, unit: 'mzj' },
  { query: '外卖', title: '关于保障外卖骑手劳动权益的建议', body: '外卖骑手缺少工伤保障，算法考核过严。', again: { title: '关于加强外卖配送员职业伤害保障的建议', body: '平台应为骑手缴纳职业伤害保险。' }, unit: 'rsj' },
  { query: '河道', title: '关于整治城区黑臭河道的建议', body: '部分河道雨后发黑发臭，截污不彻底。', again: { title: '关于巩固黑臭河道治理成效的建议', body: '河道返黑返臭，需建立长效管护。' }, unit: 'sthjj' },
  { query: '路灯', title: '关于完善农村道路路灯照明的建议', body: '村道夜间无照明，群众出行不安全。', again: { title: '关于加快乡村路灯建设的建议', body: '太阳能路灯损坏无人维修。' }, unit: 'nyncw' },
  { query: '学区', title: '关于公开义务教育学区划分依据的建议', body: '学区调整信息不透明，家长疑虑多。', again: { title: '关于优化学区划分和招生政策的建议', body: '学区房价格畸高。' }, unit: 'jw' },
  { query: '公厕', title: '关于增加旅游景区公厕数量的建议', body: '节假日景区如厕排长队。', again: { title: '关于推进景区公厕提档升级的建议', body: '部分公厕卫生条件差。' }, unit: 'cgj' },
  { query: '物业', title: '关于规范住宅小区物业服务收费的建议', body: '物业费上涨无依据，服务质量差。', again: { title: '关于加强物业服务企业监管的建议', body: '业主与物业矛盾突出。' }, unit: 'zjw' },
  { query: '校车', title: '关于保障农村校车安全运行的建议', body: '部分校车车况差、超载。', again: { title: '关于完善农村学生校车服务的建议', body: '偏远学生上学路远，校车不足。' }, unit: 'jw' },
  { query: '快递', title: '关于推进快递包装绿色回收的建议', body: '快递纸箱和塑料袋丢弃量大。', again: { title: '关于减少快递过度包装的建议', body: '建议设置快递包装回收点。' }, unit: 'sthjj' },
  { query: '燃气', title: '关于加快老旧燃气管道更新改造的建议', body: '燃气管道老化锈蚀，存在安全隐患。', again: { title: '关于加强城市燃气安全监管的建议', body: '餐饮场所燃气泄漏事故频发。' }, unit: 'zjw' },
  { query: '地铁', title: '关于加强地铁站与公交接驳的建议', body: '地铁站出口距公交站远，换乘不便。', again: { title: '关于优化地铁接驳公交线路的建议', body: '部分地铁站缺少接驳线路。' }, unit: 'jtw' },
  { query: '积水', title: '关于整治城市道路积水点的建议', body: '暴雨后下穿隧道积水严重。', again: { title: '关于解决城区易涝积水问题的建议', body: '排水管网标准低，积水点多。' }, unit: 'slj' },
  { query: '充电桩', title: '关于加快居民小区新能源汽车充电桩建设的建议', body: '老小区安装充电桩难，电力容量不足。', again: { title: '关于推进公共充电桩布局的建议', body: '高速服务区充电桩排队时间长。' }, unit: 'jjxxw' },
  { query: '无障碍', title: '关于完善公共场所无障碍设施的建议', body: '盲道被占用，无障碍坡道缺失。', again: { title: '关于推进无障碍环境建设的建议', body: '残疾人出行仍有障碍。' }, unit: 'cgj' },
  { query: '菜市场', title: '关于改造提升老旧菜市场的建议', body: '菜市场环境脏乱，排水不畅。', again: { title: '关于推进标准化菜市场建设的建议', body: '菜市场摊位布局不合理。' }, unit: 'jjxxw' },
  { query: '夜市', title: '关于规范发展夜市经济的建议', body: '夜市油烟噪声扰民，管理缺位。', again: { title: '关于打造特色夜市街区的建议', body: '夜市配套设施不足。' }, unit: 'cgj' },
  { query: '献血', title: '关于完善无偿献血激励机制的建议', body: '献血者用血报销手续复杂。', again: { title: '关于提高无偿献血者礼遇的建议', body: '季节性血液短缺。' }, unit: 'wjw' },
  { query: '流浪犬', title: '关于加强城市流浪犬管理的建议', body: '流浪犬伤人事件增多。', again: { title: '关于建立流浪犬收容救助机制的建议', body: '收容场所不足。' }, unit: 'gaj' },
  { query: '共享单车', title: '关于规范共享单车停放秩序的建议', body: '共享单车乱停乱放堵塞人行道。', again: { title: '关于加强共享单车投放总量管理的建议', body: '单车过量投放。' }, unit: 'jtw' },
  { query: '预制菜 校园', title: '关于禁止预制菜进入校园食堂的建议', body: '家长担心预制菜营养和安全，校园食堂应现做现卖。', again: { title: '关于规范校园食堂使用预制菜的建议', body: '预制菜进校园需家长知情。' }, unit: 'jw' },
  { query: '古树', title: '关于加强古树名木保护的建议', body: '城市建设中古树被移栽，存活率低。', again: { title: '关于完善古树名木保护条例的建议', body: '古树保护资金不足。' }, unit: 'slj' },
  { query: '社区医院 夜间门诊', title: '关于社区医院开设夜间门诊的建议', body: '上班族下班后看病难，社区医院晚上关门。', again: { title: '关于延长社区医院门诊时间的建议', body: '建议社区医院提供夜间门诊服务。' }, unit: 'wjw' },
];

const SUBJECTS = ['营商环境', '数字政府', '科技创新', '乡村振兴', '文化旅游', '生态保护', '应急管理', '人才引进', '食品安全', '安全生产', '社会治理', '法治建设', '民营经济', '对外开放', '金融服务', '体育健身', '历史文化街区', '绿色建筑', '水资源保护', '公共卫生', '知识产权', '招商引资', '粮食安全', '职业教育', '非遗传承'];
const VERBS = ['加强', '推进', '完善', '优化', '支持', '规范', '提升', '促进', '深化', '健全'];
const ASPECTS = ['工作', '体系建设', '政策落实', '长效机制', '监管', '服务水平', '保障措施', '试点'];
const SENTENCES = ['建议加大资金投入。', '建立长效机制。', '加强部门协同。', '完善考核评价。', '强化监督检查。', '推动政策落地。', '提升服务水平。', '加强宣传引导。', '明确责任分工。', '鼓励社会参与。'];
const UNITS = ['jtw', 'zjw', 'jw', 'wjw', 'mzj', 'sthjj', 'nyncw', 'jjxxw', 'cgj', 'gaj', 'rsj', 'slj'];
const DEPUTIES = Array.from({ length: 20 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);

export const sessionOf = (year: number) => `${year}年市人民代表大会`;

/** A small deterministic random source, so a failing corpus can be built again as it was. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function row(n: number, values: Record<string, string>): RawRow {
  return { row: n + 2, values: { kind: '建议', timing: '大会', classified: '否', key: '否', ...values } };
}

/** `count` generated suggestions on other subjects, spread over `years`. */
export function noiseRows(count: number, years: readonly number[], seed = 14): RawRow[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const year = years[i % years.length]!;
    const subject = pick(SUBJECTS);
    const body = Array.from({ length: 2 + Math.floor(next() * 4) }, () => pick(SENTENCES)).join('');
    return row(i, {
      session: sessionOf(year),
      number: `N${String(i + 1).padStart(6, '0')}`,
      title: `关于${pick(VERBS)}${subject}${pick(ASPECTS)}的建议`,
      body: `当前${subject}方面仍有不足，${body}`,
      category: subject,
      lead_deputy: pick(DEPUTIES),
      lead_unit: pick(UNITS),
      assigned_on: `${year}-02-${String(10 + (i % 15)).padStart(2, '0')}`,
    });
  });
}

/** Each topic's original (2023, number T01…) and its near-duplicate (2025, number R01…). */
export function topicRows(): RawRow[] {
  return TOPICS.flatMap((t, i) => {
    const n = String(i + 1).padStart(2, '0');
    const base = { category: '城乡建设', lead_deputy: DEPUTIES[i % DEPUTIES.length]!, lead_unit: t.unit };
    return [
      row(2 * i, { ...base, session: sessionOf(2023), number: `T${n}`, title: t.title, body: t.body, assigned_on: '2023-02-20' }),
      row(2 * i + 1, { ...base, session: sessionOf(2025), number: `R${n}`, title: t.again.title, body: t.again.body, assigned_on: '2025-02-20' }),
    ];
  });
}
