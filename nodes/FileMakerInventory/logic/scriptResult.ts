/**
 * The contract of "Run FileMaker Script" mode.
 *
 * The script gets one parameter, JSON text:
 *   {"sku":"ABC-1","delta":-1,"key":"shopify:order:1001:line:1","reason":"order paid","source":"shopify","reference":"..."}
 * and must end with Exit Script [ Result: JSONSetElement ( "{}" ; ... ) ] giving
 *   {"applied":true,"quantityAfter":41,"duplicate":false}
 * or, when it refuses the change, {"applied":false,"error":"why"} (or a non-zero Get(LastError)
 * in scriptError). quantityAfter may be a number or numeric text.
 */
import { parseWholeNumber } from './quantity';

export interface ScriptParam {
	sku: string;
	delta: number;
	key: string;
	reason: string;
	source: string;
	reference: string;
}

export function buildScriptParam(p: ScriptParam): string {
	return JSON.stringify({
		sku: p.sku,
		delta: p.delta,
		key: p.key,
		reason: p.reason,
		source: p.source,
		reference: p.reference,
	});
}

export type ParsedScriptResult =
	| {
			ok: true;
			applied: boolean;
			duplicate: boolean;
			quantityAfter?: number;
			result: Record<string, unknown>;
	  }
	| { ok: false; message: string };

function truthy(v: unknown): boolean {
	if (typeof v === 'boolean') return v;
	if (typeof v === 'number') return v !== 0;
	if (typeof v === 'string') return ['true', '1', 'yes'].includes(v.trim().toLowerCase());
	return false;
}

/** Interprets scriptError + scriptResult of a Data API script call. */
export function parseScriptOutcome(scriptName: string, scriptError: unknown, scriptResult: unknown): ParsedScriptResult {
	const errorCode = scriptError === undefined || scriptError === null ? '0' : String(scriptError).trim();
	if (errorCode !== '' && errorCode !== '0') {
		const detail = typeof scriptResult === 'string' && scriptResult.trim() !== '' ? ` Script result: ${scriptResult.slice(0, 200)}` : '';
		return {
			ok: false,
			message: `The FileMaker script '${scriptName}' ended with error ${errorCode}.${detail}`,
		};
	}
	if (scriptResult === undefined || scriptResult === null || String(scriptResult).trim() === '') {
		return {
			ok: false,
			message: `The FileMaker script '${scriptName}' returned no result. It must end with Exit Script and a JSON result such as {"applied":true,"quantityAfter":41,"duplicate":false}.`,
		};
	}
	let parsed: unknown;
	try {
		parsed = typeof scriptResult === 'string' ? JSON.parse(scriptResult) : scriptResult;
	} catch {
		parsed = undefined;
	}
	if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return {
			ok: false,
			message: `The FileMaker script '${scriptName}' returned ${JSON.stringify(String(scriptResult).slice(0, 100))}, which is not a JSON object such as {"applied":true,"quantityAfter":41,"duplicate":false}.`,
		};
	}
	const result = parsed as Record<string, unknown>;
	const error = result.error ?? result.errorMessage;
	if (typeof error === 'string' && error.trim() !== '') {
		return { ok: false, message: `The FileMaker script '${scriptName}' refused the change: ${error}` };
	}
	const outcome: ParsedScriptResult = {
		ok: true,
		applied: truthy(result.applied),
		duplicate: truthy(result.duplicate),
		result,
	};
	if (result.quantityAfter !== undefined && result.quantityAfter !== null && result.quantityAfter !== '') {
		const q = parseWholeNumber(result.quantityAfter);
		if (!q.ok) {
			return {
				ok: false,
				message: `The FileMaker script '${scriptName}' returned quantityAfter ${JSON.stringify(result.quantityAfter)}, which is not a whole number.`,
			};
		}
		outcome.quantityAfter = q.value;
	}
	return outcome;
}
