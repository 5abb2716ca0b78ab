// The benchmark's stand-in for a network 5 ms away: the fault proxy (built package) in its own
// process, so its work does not share the event loop of the client being measured. Prints its
// endpoint as one JSON line, and exits when its standard input closes.
import { startFaultProxy } from '@dynamodel/local/fault-proxy';

const [target, latencyMs] = process.argv.slice(2);
const proxy = await startFaultProxy({ target, latencyMs: Number(latencyMs) });
process.stdout.write(`${JSON.stringify({ endpoint: proxy.endpoint })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void proxy.close().then(() => process.exit(0)));
