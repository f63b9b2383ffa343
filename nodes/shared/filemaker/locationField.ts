import type { INodeProperties } from 'n8n-workflow';

/**
 * "Location Field" (several locations): the field of the stock and event layouts that holds the
 * location. The FileMaker credential has it for every operation; each operation's option overrides it.
 */
export function locationFieldProperty(description: string): INodeProperties {
	return { displayName: 'Location Field', name: 'locationField', type: 'string', default: '', placeholder: 'Location', description };
}
