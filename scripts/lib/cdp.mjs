// A tiny Chrome DevTools Protocol client over Node's global WebSocket (Node 22+, or Node 20 with
// --experimental-websocket) and a headless Chromium launcher. No npm dependencies.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep, stopGroup, trackGroup } from './n8n.mjs';

export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--no-default-browser-check',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-extensions',
	'--disable-dev-shm-usage',
	'--hide-scrollbars',
	'--mute-audio',
	'--remote-debugging-address=127.0.0.1',
	'--remote-debugging-port=0',
];

export function findChromium() {
	for (const p of [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
		if (p && fs.existsSync(p)) return p;
	}
	return undefined;
}

/** Starts headless Chromium with a fresh profile; resolves { wsUrl, stop }. */
export async function launchChromium({ bin = findChromium(), width = 1600, height = 1000, timeoutMs = 30_000 } = {}) {
	if (!bin) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_BIN)');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
	const child = spawn(bin, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `--window-size=${width},${height}`, 'about:blank'], {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	trackGroup(child.pid);
	let output = '';
	const wsUrl = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools URL in ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
		const onData = (d) => {
			output += d;
			const m = output.match(/DevTools listening on (ws:\/\/\S+)/);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`Chromium exited (${code}):\n${output.slice(-2000)}`));
		});
	});
	return {
		wsUrl,
		output: () => output,
		stop: async () => {
			await stopGroup(child.pid, 5_000);
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

export class Cdp {
	static async connect(wsUrl) {
		if (typeof WebSocket === 'undefined') throw new Error('no global WebSocket: use Node 22+ or node --experimental-websocket');
		const ws = new WebSocket(wsUrl);
		await new Promise((resolve, reject) => {
			ws.addEventListener('open', resolve, { once: true });
			ws.addEventListener('error', (e) => reject(new Error(`CDP connect failed: ${e.message ?? e.type}`)), { once: true });
		});
		return new Cdp(ws);
	}

	constructor(ws) {
		this.ws = ws;
		this.nextId = 1;
		this.pending = new Map();
		this.listeners = new Set();
		ws.addEventListener('message', (ev) => {
			const msg = JSON.parse(typeof ev.data === 'string' ? ev.data : Buffer.from(ev.data).toString('utf8'));
			if (msg.id !== undefined && this.pending.has(msg.id)) {
				const p = this.pending.get(msg.id);
				this.pending.delete(msg.id);
				if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
				else p.resolve(msg.result);
			} else if (msg.method) {
				for (const l of this.listeners) l(msg);
			}
		});
	}

	send(method, params = {}, sessionId, timeoutMs = 60_000) {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`${method} timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			this.pending.set(id, {
				method,
				resolve: (v) => {
					clearTimeout(timer);
					resolve(v);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				},
			});
			this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
		});
	}

	waitForEvent(method, sessionId, timeoutMs = 30_000) {
		return new Promise((resolve, reject) => {
			const l = (msg) => {
				if (msg.method === method && (!sessionId || msg.sessionId === sessionId)) {
					this.listeners.delete(l);
					clearTimeout(timer);
					resolve(msg.params);
				}
			};
			const timer = setTimeout(() => {
				this.listeners.delete(l);
				reject(new Error(`no ${method} within ${timeoutMs} ms`));
			}, timeoutMs);
			this.listeners.add(l);
		});
	}

	/** Opens a page target and returns a Page helper bound to its session. */
	async newPage({ width = 1600, height = 1000 } = {}) {
		const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
		const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
		const page = new Page(this, sessionId, targetId);
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Network.enable');
		await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
		return page;
	}

	close() {
		try {
			this.ws.close();
		} catch {
			/* closed */
		}
	}
}

export class Page {
	constructor(cdp, sessionId, targetId) {
		this.cdp = cdp;
		this.sessionId = sessionId;
		this.targetId = targetId;
	}

	send(method, params = {}, timeoutMs) {
		return this.cdp.send(method, params, this.sessionId, timeoutMs);
	}

	async goto(url, timeoutMs = 60_000) {
		const loaded = this.cdp.waitForEvent('Page.loadEventFired', this.sessionId, timeoutMs);
		const r = await this.send('Page.navigate', { url });
		if (r.errorText) throw new Error(`navigate ${url}: ${r.errorText}`);
		await loaded;
	}

	/** Evaluates an expression (awaits promises) and returns its JSON value. */
	async eval(expression, timeoutMs = 30_000) {
		const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, timeoutMs);
		if (r.exceptionDetails) {
			throw new Error(`page error: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
		}
		return r.result?.value;
	}

	/** Polls a boolean expression until true (bounded). */
	async waitFor(expression, { timeoutMs = 30_000, intervalMs = 200, what = expression } = {}) {
		const deadline = Date.now() + timeoutMs;
		let last;
		while (Date.now() < deadline) {
			try {
				last = await this.eval(expression);
				if (last) return last;
			} catch (e) {
				last = e.message;
			}
			await sleep(intervalMs);
		}
		throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
	}

	async screenshot(file) {
		const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, Buffer.from(data, 'base64'));
		return file;
	}

	async click(x, y) {
		for (const type of ['mousePressed', 'mouseReleased']) {
			await this.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
		}
	}

	async doubleClick(x, y) {
		await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
		for (const clickCount of [1, 2]) {
			for (const type of ['mousePressed', 'mouseReleased']) {
				await this.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount });
			}
		}
	}

	async key(key, code = key, keyCode) {
		await this.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code, windowsVirtualKeyCode: keyCode });
		await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode });
	}
}
