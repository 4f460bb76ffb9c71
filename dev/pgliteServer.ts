import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite to any number of PostgreSQL clients over TCP.
 *
 * PGlite is a single PostgreSQL session. `@electric-sql/pglite-socket` (0.2.17, the latest) hands it
 * the messages of all its connections one by one in arrival order, and keeps one connection's
 * messages together only inside an explicit transaction block. The extended query protocol is not
 * one message but a batch (Parse, Bind, Describe, Execute … Sync) whose unnamed statement and
 * portal live in the session until the batch's Sync: two pooled connections interleave their
 * batches, and one binds to the other's statement (`bind message supplies 8 parameters, but prepared
 * statement "" requires 4`, `portal "" does not exist`; electric-sql/pglite#1046, open).
 *
 * Here a connection owns the session from its first message until PostgreSQL reports it idle again
 * (a ReadyForQuery with status `I`: batch synced, no transaction block open); the others queue in
 * arrival order. A transaction therefore runs alone, as under SERIALIZABLE with no concurrent writer:
 * row locks (`SELECT … FOR UPDATE`) hold trivially, and a second connection that waits for a row
 * another one holds waits for that whole transaction, as it would for the lock. What a single
 * session cannot give: while one connection's transaction is open nobody else runs, so code that
 * holds a transaction open and awaits a query on another connection waits forever (on a server it
 * would only wait when it needs a locked row). Session settings (`SET`, named prepared statements,
 * temporary tables) are shared by every connection.
 */

export interface PGliteServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Connections served at once; more are refused with SQLSTATE 53300, as a server does. Default 100. */
  maxConnections?: number;
  /** Told about a connection that broke the protocol or a message PGlite failed on; the connection is closed. */
  onError?: (error: unknown) => void;
}

export interface PGliteServer {
  port: number;
  /** Stops accepting, closes every connection (rolling back what they left open) and waits for the running message. */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/** A typed protocol message: type byte, length, body. */
function protocolMessage(type: string, body: string): Buffer {
  const bytes = Buffer.from(body);
  const header = Buffer.alloc(5);
  header.write(type);
  header.writeInt32BE(4 + bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

const SYNC = protocolMessage('S', '');
/** Ends a COPY FROM STDIN a connection left behind; outside COPY the backend ignores it. */
const COPY_FAIL = protocolMessage('f', 'client disconnected\0');
const ROLLBACK = protocolMessage('Q', 'ROLLBACK\0');

function errorResponse(severity: string, code: string, text: string): Buffer {
  return protocolMessage('E', `S${severity}\0V${severity}\0C${code}\0M${text}\0\0`);
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(parameters).flat().join('\0')}\0\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([header, body]);
}

/** What PGlite answers a startup (authentication OK, parameters, ReadyForQuery), asked once while idle. */
async function greetingOf(db: PGlite): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await db.runExclusive(() =>
    db.execProtocolRawStream(startupMessage({ user: 'postgres', database: 'postgres' }), {
      onRawData: (data) => chunks.push(Buffer.from(data)),
    }),
  );
  return Buffer.concat(chunks);
}

/** Follows the backend's messages across chunks and remembers the status of the last ReadyForQuery. */
class ReadyForQueryWatcher {
  #header = Buffer.alloc(0);
  #remaining = 0;
  #inReadyForQuery = false;
  /** `I` idle, `T` in a transaction block, `E` in a failed one; undefined until one arrives. */
  status: string | undefined;

  feed(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - offset);
        if (this.#inReadyForQuery && take > 0) this.status = String.fromCharCode(chunk[offset]!);
        this.#inReadyForQuery = false;
        this.#remaining -= take;
        offset += take;
        continue;
      }
      const need = 5 - this.#header.length;
      this.#header = Buffer.concat([this.#header, chunk.subarray(offset, offset + need)]);
      offset += Math.min(need, chunk.length - offset);
      if (this.#header.length < 5) return;
      this.#inReadyForQuery = this.#header[0] === 0x5a;
      this.#remaining = this.#header.readInt32BE(1) - 4;
      this.#header = Buffer.alloc(0);
    }
  }
}

/** Hands the single session to one connection at a time, in the order they asked for it. */
class SessionTurns {
  #owner: Connection | undefined;
  readonly #waiting: Array<{ connection: Connection; granted: () => void }> = [];

  acquire(connection: Connection): Promise<void> {
    if (this.#owner === connection) return Promise.resolve();
    if (!this.#owner) {
      this.#owner = connection;
      return Promise.resolve();
    }
    return new Promise((granted) => this.#waiting.push({ connection, granted }));
  }

  /** Gives the session up, or stops waiting for it (the wait then ends at once). */
  release(connection: Connection): void {
    if (this.#owner !== connection) {
      const index = this.#waiting.findIndex((waiter) => waiter.connection === connection);
      if (index !== -1) this.#waiting.splice(index, 1)[0]!.granted();
      return;
    }
    const next = this.#waiting.shift();
    this.#owner = next?.connection;
    next?.granted();
  }
}

interface Shared {
  db: PGlite;
  turns: SessionTurns;
  /** The answer to every client's startup: one session, so one set of parameters for all. */
  greeting: Buffer;
  onError: (error: unknown) => void;
}

class Connection {
  readonly #socket: net.Socket;
  readonly #db: PGlite;
  readonly #turns: SessionTurns;
  readonly #greeting: Buffer;
  readonly #onError: (error: unknown) => void;
  #buffer = Buffer.alloc(0);
  #started = false;
  readonly #messages: Buffer[] = [];
  #pumping: Promise<void> | undefined;
  /** Holds the session: a batch or a transaction block of its own is open in it. */
  #owning = false;
  #closed = false;
  readonly finished: Promise<void>;
  #finish!: () => void;

  constructor(socket: net.Socket, { db, turns, greeting, onError }: Shared) {
    this.#socket = socket;
    this.#db = db;
    this.#turns = turns;
    this.#greeting = greeting;
    this.#onError = onError;
    this.finished = new Promise((resolve) => (this.#finish = resolve));
    socket.setNoDelay(true);
    socket.on('data', (data) => this.#receive(data));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  #receive(data: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, data]);
    for (;;) {
      const message = this.#nextMessage();
      if (!message) break;
      this.#messages.push(message);
    }
    this.#pumping ??= this.#pump().finally(() => (this.#pumping = undefined));
  }

  /** The next whole message from the client, after answering what never reaches PostgreSQL. */
  #nextMessage(): Buffer | undefined {
    for (;;) {
      if (!this.#started) {
        if (this.#buffer.length < 8) return undefined;
        const length = this.#buffer.readInt32BE(0);
        if (this.#buffer.length < length) return undefined;
        const code = this.#buffer.readInt32BE(4);
        this.#buffer = this.#buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.#socket.write('N'); // plain TCP on 127.0.0.1 only
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.#socket.end(); // one session, no backend process to signal
          return undefined;
        }
        if (code !== PROTOCOL_3) {
          this.#socket.end(errorResponse('FATAL', '0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`));
          return undefined;
        }
        // Answered without the session, so that connecting never waits for another client's transaction.
        this.#started = true;
        this.#socket.write(this.#greeting);
        continue;
      }
      if (this.#buffer.length < 5) return undefined;
      const length = 1 + this.#buffer.readInt32BE(1);
      if (this.#buffer.length < length) return undefined;
      const message = this.#buffer.subarray(0, length);
      this.#buffer = this.#buffer.subarray(length);
      return message;
    }
  }

  async #pump(): Promise<void> {
    while (this.#messages.length > 0 && !this.#closed) {
      const message = this.#messages.shift()!;
      if (message[0] === 0x58) return this.close(); // Terminate
      await this.#turns.acquire(this);
      if (this.#closed) return;
      this.#owning = true;
      const watcher = new ReadyForQueryWatcher();
      try {
        await this.#db.runExclusive(async () => {
          // Written out once the session is idle again (a batch or transaction done), not after every message.
          await this.#db.execProtocolRawStream(message, {
            syncToFs: false,
            onRawData: (data) => {
              watcher.feed(data);
              if (!this.#closed) this.#socket.write(Buffer.from(data));
            },
          });
          if (watcher.status === 'I') await this.#db.syncToFs();
        });
      } catch (error) {
        this.#onError(error);
        this.close();
        return;
      }
      if (watcher.status === 'I') {
        this.#owning = false;
        this.#turns.release(this);
      }
    }
  }

  /** Ends the connection; whatever it left open in the session is synced and rolled back first. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#messages.length = 0;
    this.#socket.destroy();
    if (!this.#owning) this.#turns.release(this);
    void (this.#pumping ?? Promise.resolve())
      .then(async () => {
        if (!this.#owning) return;
        await this.#db.runExclusive(async () => {
          for (const message of [COPY_FAIL, SYNC]) await this.#db.execProtocolRawStream(message, { syncToFs: false, onRawData: () => {} });
          if (this.#db.isInTransaction()) await this.#db.execProtocolRawStream(ROLLBACK, { onRawData: () => {} });
        });
      })
      .catch(this.#onError)
      .finally(() => {
        this.#owning = false;
        this.#turns.release(this);
        this.#finish();
      });
  }
}

export async function servePGlite(db: PGlite, options: PGliteServerOptions = {}): Promise<PGliteServer> {
  await db.waitReady;
  const shared: Shared = { db, turns: new SessionTurns(), greeting: await greetingOf(db), onError: options.onError ?? (() => {}) };
  const connections = new Set<Connection>();
  const sockets = new Set<net.Socket>();
  const maxConnections = options.maxConnections ?? 100;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (connections.size >= maxConnections) {
      socket.end(errorResponse('FATAL', '53300', 'sorry, too many clients already'));
      return;
    }
    const connection = new Connection(socket, shared);
    connections.add(connection);
    void connection.finished.then(() => connections.delete(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const open = [...connections];
      for (const connection of open) connection.close();
      for (const socket of sockets) socket.destroy(); // refused ones whose client never hung up
      await Promise.all(open.map((connection) => connection.finished));
      await closed;
    },
  };
}
