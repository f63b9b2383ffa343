/** `npm run bench -- --section order-bursts [options]`: see bench/orders/run-order-bursts.ts and bench/README.md. */
import { runOrderBursts } from './orders/run-order-bursts';

runOrderBursts(process.argv.slice(2)).then(
	(ok) => {
		process.exitCode = ok ? 0 : 1;
	},
	(error: unknown) => {
		process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
		process.exit(1);
	},
);
