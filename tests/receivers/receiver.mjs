// Test receivers for Tenantra's notifications: a real SMTP server and an HTTP server that takes
// webhook, Slack and Teams posts, verifies webhook signatures independently (verify.mjs), can fail a
// share of requests at random, and answers the tests' questions about what arrived.
//
//   node receiver.mjs [--smtp-port N] [--http-port N]     (0 = any free port)
// Prints one line "ready smtp=<port> http=<port>" when both listen.
//
// Control API (HTTP, same port):
//   GET  /mails            messages received: { from, to[], subject, text, html, headers{} }
//   GET  /hooks            posts received: { path, headers{}, body, verified, reason, status }
//   GET  /stats            { mails, hooks, delivered, failed, uniqueIds }
//   POST /config           { failRate: 0..1, secrets: { "<path>": ["whsec_…"] } }
//   POST /reset            forget everything received (keeps the config)
//   POST /verify           { headers, body, secrets, nowSeconds? } → { valid, reason } (the verifier alone)
//   POST /hook/<name>      a delivery (answers 204, or 500 when chosen to fail)
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { verify } from './verify.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

let mails = [];
let hooks = [];
let config = { failRate: 0, secrets: {} };

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((parsed) => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          headers: Object.fromEntries([...parsed.headers.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
        });
        callback();
      })
      .catch(callback);
  },
});

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res, status, value) => {
  const body = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = http.createServer(async (req, res) => {
  try {
    const body = await readBody(req);
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/mails') return send(res, 200, mails);
    if (req.method === 'GET' && path === '/hooks') return send(res, 200, hooks);
    if (req.method === 'GET' && path === '/stats') {
      const delivered = hooks.filter((h) => h.status < 300);
      return send(res, 200, {
        mails: mails.length,
        hooks: hooks.length,
        delivered: delivered.length,
        failed: hooks.length - delivered.length,
        uniqueIds: new Set(delivered.map((h) => h.headers['webhook-id'])).size,
      });
    }
    if (req.method === 'POST' && path === '/config') {
      config = { ...config, ...JSON.parse(body.toString('utf8')) };
      return send(res, 200, config);
    }
    if (req.method === 'POST' && path === '/reset') {
      mails = [];
      hooks = [];
      return send(res, 204);
    }
    if (req.method === 'POST' && path === '/verify') {
      const q = JSON.parse(body.toString('utf8'));
      return send(res, 200, verify({ headers: q.headers, body: Buffer.from(q.body, 'utf8'), secrets: q.secrets, nowSeconds: q.nowSeconds }));
    }
    if (req.method === 'POST' && path.startsWith('/hook/')) {
      const headers = {};
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type']) {
        if (req.headers[name] !== undefined) headers[name] = req.headers[name];
      }
      const secrets = config.secrets[path] ?? [];
      const check = secrets.length > 0 ? verify({ headers, body, secrets }) : { valid: null, reason: 'no secret configured' };
      const status = Math.random() < config.failRate ? 500 : 204;
      hooks.push({ path, headers, body: body.toString('utf8'), verified: check.valid, reason: check.reason, status });
      return send(res, status, status === 500 ? { error: 'chosen to fail' } : undefined);
    }
    return send(res, 404, { error: 'not found' });
  } catch (error) {
    return send(res, 400, { error: String(error) });
  }
});

smtp.listen(option('--smtp-port', 0), '127.0.0.1', () => {
  server.listen(option('--http-port', 0), '127.0.0.1', () => {
    console.log(`ready smtp=${smtp.server.address().port} http=${server.address().port}`);
  });
});

const stop = () => {
  server.close();
  smtp.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
