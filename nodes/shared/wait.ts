import { sleep } from 'n8n-workflow';

/**
 * Every wait of the nodes (bulk-operation polling, back-offs, throttling, FileMaker retries) goes
 * through here, so that Stop in the editor ends it at once: n8n aborts the execution's cancel
 * signal, the wait rejects, and no further request is sent.
 */

type MaybeCancellable = { getExecutionCancelSignal?: () => AbortSignal | undefined };

/** The execution's cancel signal (undefined in contexts that have none, for example dropdown lookups). */
export function cancelSignalOf(context: unknown): AbortSignal | undefined {
	const getSignal = (context as MaybeCancellable | undefined)?.getExecutionCancelSignal;
	return typeof getSignal === 'function' ? getSignal.call(context) : undefined;
}

/** True once the execution was stopped. */
export function wasCancelled(context: unknown): boolean {
	return cancelSignalOf(context)?.aborted === true;
}

/** Waits `ms` milliseconds; rejects as soon as the execution is stopped. */
export async function waitUnlessCancelled(context: unknown, ms: number): Promise<void> {
	await sleep(ms, cancelSignalOf(context));
}
