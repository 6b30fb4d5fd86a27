/**
 * Opens a WeCom callback: GET URL verification (echostr in the query) or POST message (Encrypt in the XML body).
 * Order matters: signature first (CBC has no MAC), then the timestamp window, then decrypt, then the CorpID.
 */
import { verifySignature, WecomCipher } from './wecom.crypto.js';
import { parseEnvelope } from './wecom.xml.js';
const DIGITS_RE = /^\d{1,12}$/;
export function openCallback(options) {
    const cipher = options.cipher ?? (options.aesKey !== undefined ? new WecomCipher(options.aesKey) : undefined);
    if (!cipher)
        throw new TypeError('openCallback needs cipher or aesKey');
    const { token, corpId } = options;
    const maxSkewSec = options.maxSkewSec ?? 300;
    const now = options.now ?? Date.now;
    return (query, body) => {
        const msgSignature = str(query['msg_signature']);
        const timestamp = str(query['timestamp']);
        const nonce = str(query['nonce']);
        if (!msgSignature || !timestamp || !nonce)
            return bad(400, 'missing msg_signature, timestamp or nonce');
        let encrypted;
        let agentId;
        if (body === undefined) {
            encrypted = str(query['echostr']);
            if (!encrypted)
                return bad(400, 'missing echostr');
        }
        else {
            const env = parseEnvelope(body);
            if (!env.ok)
                return bad(400, `malformed envelope: ${env.reason}`);
            encrypted = env.envelope.Encrypt;
            agentId = env.envelope.AgentID;
        }
        if (!verifySignature(token, timestamp, nonce, encrypted, msgSignature))
            return bad(401, 'bad signature');
        if (!DIGITS_RE.test(timestamp))
            return bad(400, 'malformed timestamp');
        const skew = Math.abs(now() / 1000 - Number(timestamp));
        if (skew > maxSkewSec)
            return bad(401, 'timestamp outside the allowed window');
        const dec = cipher.tryDecrypt(encrypted);
        if (!dec.ok)
            return bad(400, `undecryptable: ${dec.code}`);
        if (dec.receiveId !== corpId)
            return bad(401, 'receiveId does not match CorpID');
        return agentId === undefined ? { ok: true, plaintext: dec.message } : { ok: true, plaintext: dec.message, agentId };
    };
}
function str(v) {
    return typeof v === 'string' && v.length > 0 ? v : undefined;
}
function bad(status, reason) {
    return { ok: false, status, reason };
}
//# sourceMappingURL=wecom.callback.js.map