/** The server's limits, times in milliseconds. */
export type LimitSettings = {
	/** Sessions (shells and commands) at once, from everyone. */
	maxSessions: number;
	/** Sessions at once from one client address. */
	maxPerAddress: number;
	/** A session ends after this long without input from the client. */
	idleTimeout: number;
	/** A session ends after this long, input or not. */
	maxSessionTime: number;
	/** New connections one address may open in any sixty seconds. */
	connectRate: number;
};

/** A limit said no: why, in the words the visitor and the log read. */
export type Refusal = {ok: false; reason: 'connect-rate' | 'connections' | 'max-sessions' | 'max-per-address'; message: string};

export type SessionTicket = {ok: true; release: () => void};

/** The span the connection rate is counted over. */
const rateWindow = 60_000;

/**
 * Counts connections and sessions against the limits. Holds no timers: the caller passes the time,
 * and every session it lets in comes with a `release` to call once, when the session ends.
 */
export class Limits {
	/** Connection times per address within the last minute, oldest first. */
	private readonly recent = new Map<string, number[]>();
	private readonly perAddress = new Map<string, number>();
	private total = 0;
	private admitted = 0;

	constructor(
		readonly settings: LimitSettings,
		/** Open connections beyond which new ones are closed at once, before any handshake. */
		readonly maxConnections = Math.max(16, settings.maxSessions * 4),
	) {}

	/** Sessions open now, from everyone. */
	get sessions(): number {
		return this.total;
	}

	/** A new connection from `address` at `now`; `open` is how many connections are open already. */
	admitConnection(address: string, now: number, open: number): {ok: true} | Refusal {
		if (++this.admitted % 256 === 0) this.forgetOld(now);
		if (open >= this.maxConnections) {
			return {ok: false, reason: 'connections', message: 'quarterdeck: the server is busy; try again later'};
		}
		const times = (this.recent.get(address) ?? []).filter(time => now - time < rateWindow);
		if (times.length >= this.settings.connectRate) {
			this.recent.set(address, times);
			return {
				ok: false,
				reason: 'connect-rate',
				message: `quarterdeck: more than ${this.settings.connectRate} connections from your address in a minute; try again shortly`,
			};
		}
		times.push(now);
		this.recent.set(address, times);
		return {ok: true};
	}

	/** A session from `address` wants to start. */
	openSession(address: string): SessionTicket | Refusal {
		if (this.total >= this.settings.maxSessions) {
			return {
				ok: false,
				reason: 'max-sessions',
				message: `quarterdeck: the server already has ${this.settings.maxSessions} session(s), its limit; try again later`,
			};
		}
		const mine = this.perAddress.get(address) ?? 0;
		if (mine >= this.settings.maxPerAddress) {
			return {
				ok: false,
				reason: 'max-per-address',
				message: `quarterdeck: your address already has ${this.settings.maxPerAddress} session(s), the limit per address; close one first`,
			};
		}
		this.total += 1;
		this.perAddress.set(address, mine + 1);
		let released = false;
		return {
			ok: true,
			release: () => {
				if (released) return;
				released = true;
				this.total -= 1;
				const left = (this.perAddress.get(address) ?? 1) - 1;
				if (left > 0) this.perAddress.set(address, left);
				else this.perAddress.delete(address);
			},
		};
	}

	/** Addresses whose last connection is more than a minute old, dropped so the map stays small. */
	private forgetOld(now: number): void {
		for (const [address, times] of this.recent) {
			if (times.length === 0 || now - times.at(-1)! >= rateWindow) this.recent.delete(address);
		}
	}

	/** How many addresses are remembered; for tests of the bookkeeping. */
	get trackedAddresses(): number {
		return this.recent.size + this.perAddress.size;
	}
}
