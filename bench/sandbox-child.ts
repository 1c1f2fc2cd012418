/**
 * The Lark sandbox in a process of its own, for the benches that measure latency: in the bench's
 * process it would share an event loop with the load generator and delay the requests it times.
 *
 *   node --import tsx bench/sandbox-child.ts   (LARK_APP_ID, LARK_APP_SECRET, LARK_ENCRYPT_KEY,
 *   LARK_VERIFICATION_TOKEN, WEBHOOK_URL and SANDBOX_PORT from the environment)
 *
 * Prints `sandbox ready <url>` once listening; stops on SIGTERM.
 */
import { startSandbox } from '../src/sandbox/start-sandbox.ts';

const env = process.env;
const sandbox = await startSandbox({
  port: Number(env.SANDBOX_PORT ?? 0),
  appId: env.LARK_APP_ID!,
  appSecret: env.LARK_APP_SECRET!,
  encryptKey: env.LARK_ENCRYPT_KEY!,
  verificationToken: env.LARK_VERIFICATION_TOKEN!,
  webhookUrl: env.WEBHOOK_URL!,
});
console.log(`sandbox ready ${sandbox.url}`);
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
