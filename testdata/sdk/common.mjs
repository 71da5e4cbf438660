// Shared by the client scripts: each prints its findings as lines
// "RESULT {json}" for internal/cli/sdk_test.go, which ignores the rest of
// the output (the clients' own logging).

export function report(v) {
	process.stdout.write('RESULT ' + JSON.stringify(v) + '\n');
}

// run reports the environment the client was started with, makes the
// calls of round 1, waits waitMs (past the token's refresh point), makes
// the calls of round 2, and sets the exit status: 1 when a call failed.
export async function run(calls, waitMs) {
	report({ event: 'env', env: process.env, node: process.version });
	let failed = false;
	for (const round of [1, 2]) {
		if (round === 2) await new Promise((r) => setTimeout(r, waitMs));
		for (const [name, call] of Object.entries(calls)) {
			try {
				const result = await call();
				report({ event: 'call', round, client: name, ok: true, result });
			} catch (e) {
				failed = true;
				report({ event: 'call', round, client: name, ok: false, error: String(e), detail: e?.stack });
			}
		}
	}
	process.exitCode = failed ? 1 : 0;
}

export function waitMs() {
	const ms = Number(process.argv[2] ?? '9000');
	if (!Number.isFinite(ms) || ms < 0) throw new Error('usage: node SCRIPT [WAIT_MS]');
	return ms;
}
