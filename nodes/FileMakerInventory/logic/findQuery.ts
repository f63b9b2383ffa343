/**
 * Building FileMaker Data API `_find` queries.
 *
 * A query is a list of find requests: requests are OR-ed, the fields inside one request are AND-ed,
 * and a request with `omit: "true"` removes what it matches. Values use FileMaker's find syntax,
 * so user text is escaped with a backslash before each character that is a find operator.
 */

export type FindRequest = Record<string, string>;

export type FindOperator =
	| 'equals'
	| 'notEquals'
	| 'contains'
	| 'beginsWith'
	| 'lessThan'
	| 'lessOrEqual'
	| 'greaterThan'
	| 'greaterOrEqual'
	| 'isEmpty'
	| 'isNotEmpty'
	| 'raw';

export interface FindCriterion {
	field: string;
	operator: FindOperator;
	value?: string | number;
}

export const FIND_OPERATORS: FindOperator[] = [
	'equals',
	'notEquals',
	'contains',
	'beginsWith',
	'lessThan',
	'lessOrEqual',
	'greaterThan',
	'greaterOrEqual',
	'isEmpty',
	'isNotEmpty',
	'raw',
];

// Characters with a meaning in FileMaker find mode: = == ! < > ≤ ≥ ≠ @ # * ? " ~ \ and the
// sequences ... and .. (both a range) and // (today).
const SPECIAL_CHARS = /[\\=!<>≤≥≠@#*?"~…]/g;

/** Escapes text so FileMaker finds it literally. */
export function escapeFindValue(value: string | number): string {
	return String(value)
		.replace(SPECIAL_CHARS, (c) => `\\${c}`)
		.replace(/\.{2,}/g, (dots) => '\\.'.repeat(dots.length))
		.replace(/\/\//g, '\\/\\/');
}

/** `==value`: the whole field equals value (FileMaker compares text case-insensitively). */
export function exactMatch(value: string | number): string {
	return `==${escapeFindValue(value)}`;
}

/** The FileMaker find expression for one criterion (without the omit flag). */
export function criterionExpression(c: FindCriterion): string {
	const value = c.value === undefined || c.value === null ? '' : String(c.value);
	switch (c.operator) {
		case 'equals':
		case 'notEquals':
			return exactMatch(value);
		case 'contains':
			return `*${escapeFindValue(value)}*`;
		case 'beginsWith':
			return `==${escapeFindValue(value)}*`;
		case 'lessThan':
			return `<${escapeFindValue(value)}`;
		case 'lessOrEqual':
			return `<=${escapeFindValue(value)}`;
		case 'greaterThan':
			return `>${escapeFindValue(value)}`;
		case 'greaterOrEqual':
			return `>=${escapeFindValue(value)}`;
		case 'isEmpty':
			return '=';
		case 'isNotEmpty':
			return '*';
		case 'raw':
			return value;
		default: {
			const unknown: never = c.operator;
			throw new Error(`Unknown find operator '${String(unknown)}'`);
		}
	}
}

export class FindQueryError extends Error {}

/**
 * Builds the `query` array: one request with every positive criterion (AND-ed, including the
 * `required` extra conditions such as "modified since"), then one omit request per "not equals"
 * criterion. If there is no positive criterion, the base is "every record" (field not empty OR
 * field empty on the first omitted field), because FileMaker refuses an empty find request.
 * Throws FindQueryError when a field is used twice in the positive part (FileMaker cannot AND two
 * conditions on one field in one request; use the 'raw' operator with a range such as 5...10).
 */
export function buildFindQuery(criteria: FindCriterion[], required: FindRequest = {}): FindRequest[] {
	const positive: FindRequest = { ...required };
	const omits: FindRequest[] = [];
	for (const c of criteria) {
		const field = c.field.trim();
		if (field === '') throw new FindQueryError('A find criterion has no field name.');
		const expression = criterionExpression(c);
		if (c.operator === 'notEquals') {
			omits.push({ [field]: expression, omit: 'true' });
			continue;
		}
		if (field in positive) {
			throw new FindQueryError(
				`The field '${field}' is used in more than one find criterion. FileMaker can only test a field once per find; for a range use the operator 'FileMaker Syntax' with a value such as 5...10.`,
			);
		}
		positive[field] = expression;
	}
	const query: FindRequest[] = [];
	if (Object.keys(positive).length > 0) {
		query.push(positive);
	} else if (omits.length > 0) {
		const field = Object.keys(omits[0]).find((k) => k !== 'omit') as string;
		query.push({ [field]: '*' }, { [field]: '=' });
	}
	return [...query, ...omits];
}
