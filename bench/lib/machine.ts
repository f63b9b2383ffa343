import os from 'node:os';

export interface MachineInfo {
	host: string;
	os: string;
	kernel: string;
	arch: string;
	cpuModel: string;
	cpuCount: number;
	memoryGiB: number;
	node: string;
}

export function describeMachine(): MachineInfo {
	const cpus = os.cpus();
	return {
		host: os.hostname(),
		os: `${os.type()} ${os.release()}`,
		kernel: os.version(),
		arch: os.arch(),
		cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
		cpuCount: cpus.length,
		memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
	};
}
