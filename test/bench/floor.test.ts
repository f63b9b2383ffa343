/** The benchmark's floors (bench/lib/floor.ts): the serial floor and the one that lets the two reads overlap. */
import { describe, expect, it } from 'vitest';

import { computeFloor, type FloorInput } from '../../bench/lib/floor';

const input = (over: Partial<FloorInput> = {}): FloorInput => ({
	items: 250_000,
	changed: 12_500,
	bucket: { initiallyAvailable: 2000, restoreRate: 100 },
	speedUp: 1,
	costs: { write: 10, bulkRun: 10, bulkPoll: 1 },
	rtt: {
		shopify: { minMs: 2, writeMs: 40, leanPageMs: 30, bulkRunMs: 300, bulkDownloadMs: 1500 } as FloorInput['rtt']['shopify'],
		filemaker: { minMs: 21, pageMs: 60, pageSize: 1000 } as FloorInput['rtt']['filemaker'],
	},
	bulkDurationMs: 500,
	...over,
});

describe('floor', () => {
	it('serial: FileMaker pages one after another, then the Shopify read, then ⌈changed/250⌉ writes', () => {
		const f = computeFloor(input());
		expect(f.read).toBe('bulk');
		expect(f.writes).toBe(50);
		// 2 × 21 + 250 × 60 ms FileMaker; 500 + 2 + 1500 ms bulk read; 50 × 40 ms writes; 10 + 1 + 500 points fit the bucket.
		expect(f.seconds).toBeCloseTo((2 * 21 + 250 * 60 + 500 + 2 + 1500 + 50 * 40) / 1000, 6);
	});

	it('overlapping: the two reads side by side, FileMaker with c pages in flight after the first', () => {
		const f = computeFloor(input({ filemakerConcurrency: 4 }));
		const filemakerRead = (2 * 21 + (1 + Math.ceil(249 / 4)) * 60) / 1000;
		expect(f.filemakerReadSeconds).toBeCloseTo(filemakerRead, 6);
		expect(f.shopifyReadSeconds).toBeCloseTo((500 + 2 + 1500) / 1000, 6);
		expect(f.overlapSeconds).toBeCloseTo(Math.max(filemakerRead, 2.002) + 2, 6);
		expect(f.overlapSeconds).toBeLessThan(f.seconds);
	});

	it('points beyond the bucket add restore time to both floors (Standard vs Plus)', () => {
		const standard = computeFloor(input({ changed: 250_000 }));
		const plus = computeFloor(input({ changed: 250_000, bucket: { initiallyAvailable: 20_000, restoreRate: 1000 } }));
		// 1,000 writes × 10 points + 11 read points: 8,011 beyond a 2,000 credit at 100/s; nothing beyond 20,000.
		expect(standard.pointsSeconds).toBeCloseTo(80.11, 6);
		expect(plus.pointsSeconds).toBe(0);
		expect(standard.overlapSeconds - plus.overlapSeconds).toBeCloseTo(80.11, 6);
	});
});
