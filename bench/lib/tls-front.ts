/**
 * An HTTPS front for the (plain HTTP) FileMaker emulator. n8n's built-in FileMaker node builds its
 * URLs as `https://${host}/fmi/data/v1/...` (node_modules/n8n-nodes-base/dist/nodes/FileMaker), so
 * the baseline can only run that very node against a TLS endpoint. The certificate is self-signed
 * (made with openssl at run time, kept under .cache/); the baseline process trusts it through
 * NODE_TLS_REJECT_UNAUTHORIZED=0, which is what a user of that node does for a self-signed server
 * (the node has no "ignore TLS errors" option).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { REPO_ROOT } from './child';

function certificate(): { key: Buffer; cert: Buffer } {
	const dir = path.join(REPO_ROOT, '.cache', 'bench', 'tls');
	const keyPath = path.join(dir, 'key.pem');
	const certPath = path.join(dir, 'cert.pem');
	if (!fs.existsSync(keyPath) || !fs.existsSync(certPath)) {
		fs.mkdirSync(dir, { recursive: true });
		try {
			execFileSync(
				'openssl',
				['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '3650', '-subj', '/CN=127.0.0.1'],
				{ stdio: 'ignore' },
			);
		} catch (error) {
			throw new Error(
				`The baseline needs a self-signed TLS certificate (n8n's FileMaker node only speaks https) and could not make one with openssl: ${(error as Error).message}. Install openssl or run with --only ours.`,
			);
		}
	}
	return { key: fs.readFileSync(keyPath), cert: fs.readFileSync(certPath) };
}

export interface TlsFront {
	/** host:port, to be used as the FileMaker credential's `host` of the built-in node. */
	hostPort: string;
	/** Points the front at another upstream (a fresh emulator per measurement). */
	setUpstream(url: string): void;
	close(): Promise<void>;
}

export async function startTlsFront(upstreamUrl: string): Promise<TlsFront> {
	let upstream = new URL(upstreamUrl);
	const agent = new http.Agent({ keepAlive: true });
	const server = https.createServer(certificate(), (req, res) => {
		const forward = http.request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: upstream.host },
				agent,
			},
			(up) => {
				res.writeHead(up.statusCode ?? 502, up.headers);
				up.pipe(res);
			},
		);
		forward.on('error', (error) => {
			res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(String(error));
		});
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		hostPort: `127.0.0.1:${port}`,
		setUpstream(url: string) {
			upstream = new URL(url);
		},
		async close() {
			agent.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
