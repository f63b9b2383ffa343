/**
 * Emulated clock. Every time-based behaviour of the Shopify emulator (leaky-bucket refill, token
 * expiry, bulk operation completion, idempotency retention, timestamps) reads this clock, so a
 * benchmark can run time `speedUp`× faster and a test can jump forward with `advance()`.
 */
export class EmulatedClock {
	private realBase: number;
	private emuBase: number;
	private factor: number;

	constructor(speedUp = 1, start = Date.now()) {
		this.realBase = Date.now();
		this.emuBase = start;
		this.factor = speedUp > 0 ? speedUp : 1;
	}

	/** Emulated epoch milliseconds. */
	now(): number {
		return this.emuBase + (Date.now() - this.realBase) * this.factor;
	}

	get speedUp(): number {
		return this.factor;
	}

	/** Change the speed from now on (emulated time stays continuous). */
	setSpeedUp(speedUp: number): void {
		const current = this.now();
		this.realBase = Date.now();
		this.emuBase = current;
		this.factor = speedUp > 0 ? speedUp : 1;
	}

	/** Jump emulated time forward by `ms`. */
	advance(ms: number): void {
		this.emuBase += ms;
	}

	/** Emulated milliseconds → real milliseconds (for Retry-After and similar hints). */
	toRealMs(emulatedMs: number): number {
		return emulatedMs / this.factor;
	}

	iso(ms = this.now()): string {
		return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
	}
}
