// The npm registry mirror these machines use serves only the Linux builds of some optional, per-platform
// packages (today: @unrs/resolver-binding-*, used by the lint tooling). `npm install` then leaves the
// other platforms out of package-lock.json, and `npm ci` refuses the lockfile ("Missing: … from lock
// file"). This adds the missing entries, with the os/cpu their names state, so `npm ci` skips them as
// other platforms' optional packages. Run after changing devDependencies: `npm run lockfile:platforms`.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 's390x', 'riscv64', 'mips64el', 'wasm32'];

function platformOf(name) {
	const parts = name.split('/').pop().split('-');
	const os = parts.find((part) => OS.includes(part));
	const cpu = parts.find((part) => CPU.includes(part));
	if (!os || !cpu) return undefined;
	const libc = os === 'linux' ? (parts.some((part) => part.startsWith('musl')) ? 'musl' : 'glibc') : undefined;
	return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
	for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
		const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
		if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
		const platform = platformOf(name);
		if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
		lock.packages[`node_modules/${name}`] = {
			version,
			cpu: [platform.cpu],
			dev: entry.dev || undefined,
			...(platform.libc ? { libc: [platform.libc] } : {}),
			license: 'MIT',
			optional: true,
			os: [platform.os],
		};
		added++;
	}
}
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform-specific optional entries added`);
