/** Command-line options of the order-bursts section (`npm run bench -- --section order-bursts …`). */
import type { OrdersMode } from './workflows';
import { walkOptions } from '../lib/args';

export type OrdersTarget = 'in-process' | 'n8n';
export type BurstKind = 'one-sku' | 'many-skus';

export interface OrderBurstOptions {
	targets: OrdersTarget[];
	latenciesMs: number[];
	modes: OrdersMode[];
	bursts: BurstKind[];
	/** Orders of the one-SKU burst. */
	oneSkuOrders: number;
	/** Orders of the many-SKU burst, and over how many SKUs. */
	manyOrders: number;
	manySkus: number;
	/** A delivery still unanswered after this long counts as failed (Shopify itself waits 5 s). */
	deliveryTimeoutMs: number;
	/** Longest wait for FileMaker to hold the final quantities after the last answer. */
	settleTimeoutMs: number;
	out: string;
	noWrite: boolean;
	verbose: boolean;
	/** Write a V8 CPU profile of the in-process n8n to .cache/bench/profiles/. */
	profile: boolean;
	/** Extra environment of the real n8n (n8n's own settings, e.g. its expression engine). */
	n8nEnv: Record<string, string>;
	/** storing-trigger mode: the trigger's "Start the Workflow Once n8n Is Quiet". */
	startWhenQuiet: boolean;
}

export const ORDER_BURSTS_USAGE = `npm run bench -- --section order-bursts [options]
  --targets in-process          where the workflows run: in-process and/or n8n (the real n8n 2.x: package built,
                                packed and installed; about 3 orders/s on 2 busy cores, so use smaller bursts)
  --latencies 20,100            FileMaker emulator latency per request, ms
  --modes default,direct        default = the template: Store → answer → Apply Pending; direct = Stock → Adjust before answering;
                                storing-trigger = the trigger stores and answers itself → Apply Pending
  --start-when-quiet            storing-trigger mode: the trigger's "Start the Workflow Once n8n Is Quiet" on
  --bursts one-sku,many-skus    which bursts
  --one-sku-orders 200          orders for one SKU
  --orders 1000 --skus 50       orders of the many-SKU burst, and over how many SKUs
  --delivery-timeout 30000      ms a delivery may stay unanswered before it counts as failed
  --out <file>, --no-write      JSON output (default bench/results/<date>-order-bursts.json)
  --profile                     write a CPU profile of the in-process n8n to .cache/bench/profiles/
  --n8n-env K=V,K=V             settings of the real n8n, e.g. N8N_EXPRESSION_ENGINE_POOL_SIZE=32
  --verbose                     show n8n's output`;

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const whole = (flag: string, v: string) => {
	const n = Number(v.replace(/_/g, ''));
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} takes a whole number above 0, not "${v}"`);
	return n;
};

export function parseOrderBurstArgs(argv: string[]): OrderBurstOptions {
	const o: OrderBurstOptions = {
		targets: ['in-process'],
		latenciesMs: [20, 100],
		modes: ['default', 'direct'],
		bursts: ['one-sku', 'many-skus'],
		oneSkuOrders: 200,
		manyOrders: 1000,
		manySkus: 50,
		deliveryTimeoutMs: 30_000,
		settleTimeoutMs: 300_000,
		out: '',
		noWrite: false,
		verbose: false,
		profile: false,
		n8nEnv: {},
		startWhenQuiet: false,
	};
	walkOptions(argv, ORDER_BURSTS_USAGE, (flag, value) => {
		switch (flag) {
			case '--targets': {
				const t = list(value());
				for (const x of t) if (x !== 'in-process' && x !== 'n8n') throw new Error(`--targets: "${x}" is not in-process or n8n`);
				o.targets = t as OrdersTarget[];
				return true;
			}
			case '--latencies':
			case '--fm-latency':
				o.latenciesMs = list(value()).map(Number);
				if (o.latenciesMs.some((n) => !(n >= 0))) throw new Error('--latencies takes numbers ≥ 0');
				return true;
			case '--modes': {
				const m = list(value());
				for (const x of m) if (x !== 'default' && x !== 'direct' && x !== 'storing-trigger') throw new Error(`--modes: "${x}" is not default, direct or storing-trigger`);
				o.modes = m as OrdersMode[];
				return true;
			}
			case '--bursts': {
				const b = list(value());
				for (const x of b) if (x !== 'one-sku' && x !== 'many-skus') throw new Error(`--bursts: "${x}" is not one-sku or many-skus`);
				o.bursts = b as BurstKind[];
				return true;
			}
			case '--one-sku-orders':
				o.oneSkuOrders = whole(flag, value());
				return true;
			case '--orders':
				o.manyOrders = whole(flag, value());
				return true;
			case '--skus':
				o.manySkus = whole(flag, value());
				return true;
			case '--delivery-timeout':
				o.deliveryTimeoutMs = whole(flag, value());
				return true;
			case '--settle-timeout':
				o.settleTimeoutMs = whole(flag, value());
				return true;
			case '--out':
				o.out = value();
				return true;
			case '--no-write':
				o.noWrite = true;
				return true;
			case '--verbose':
				o.verbose = true;
				return true;
			case '--profile':
				o.profile = true;
				return true;
			case '--start-when-quiet':
				o.startWhenQuiet = true;
				return true;
			case '--n8n-env':
				for (const pair of list(value())) {
					const at = pair.indexOf('=');
					if (at < 1 || !pair.startsWith('N8N_')) throw new Error(`--n8n-env takes N8N_NAME=value pairs, not "${pair}"`);
					o.n8nEnv[pair.slice(0, at)] = pair.slice(at + 1);
				}
				return true;
			default:
				return false;
		}
	});
	if (!o.targets.length || !o.latenciesMs.length || !o.modes.length || !o.bursts.length) throw new Error('an option list is empty');
	return o;
}

/** Nearest-rank percentile of ascending-sorted values. */
export function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
