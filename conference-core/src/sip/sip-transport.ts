import sip, { type SipMessage, type SipRemote, type SipStack, type SipStackOptions } from 'sip';

/**
 * The SIP stack: npm `sip`'s transports and transaction layer, composed like its own `create`
 * but without its flow-token routing. That routing treats every request to a URI on our own host
 * as a flow token and drops it, so a BYE to a caller (or a proxy such as kamailio) on the same
 * address as the gateway would never leave. Here a request goes where its Request-URI (or first
 * Route) says, resolved by the library's RFC 3263 resolver.
 */
export interface GatewaySipStack extends SipStack {
  /**
   * Sends a request. `via` forces the transport target: over TCP a request inside a dialog goes
   * back on the caller's connection (the Contact's port is often not listening, RFC 5923).
   */
  send(message: SipMessage, callback?: (response: SipMessage) => void, via?: SipRemote): void;
}

export function createSipStack(
  options: SipStackOptions,
  onRequest: (request: SipMessage, remote: SipRemote) => void,
): GatewaySipStack {
  const errorLog = options.logger?.error ?? (() => undefined);
  const transport = sip.makeTransport(options, (message, remote) => {
    try {
      const existing =
        message.method !== undefined ? transactions.getServer(message) : transactions.getClient(message);
      if (existing !== undefined) {
        existing.message?.(message, remote);
        return;
      }
      if (message.method === 'ACK') {
        onRequest(message, remote);
      } else if (message.method !== undefined) {
        const connection = transport.get(remote);
        const transaction = transactions.createServerTransaction(message, connection);
        try {
          onRequest(message, remote);
        } catch (err) {
          transaction.send(sip.makeResponse(message, 500, 'Server Internal Error'));
          throw err;
        }
      }
      // A response without a transaction (late retransmission): nothing waits for it.
    } catch (err) {
      errorLog(err);
    }
  });
  const transactions = sip.makeTransactionLayer(options, transport.open.bind(transport));

  return {
    send(message, callback, via) {
      if (message.method === undefined) {
        transactions.getServer(message)?.send?.(message);
        return;
      }
      const route = message.headers.route?.[0]?.uri;
      const hop = sip.parseUri(route ?? message.uri);
      if (hop === undefined) {
        callback?.(sip.makeResponse(message, 416, 'Unsupported URI Scheme'));
        return;
      }
      const resolveTarget = (action: (addresses: SipRemote[]) => void) =>
        via === undefined ? sip.resolve(hop, action) : action([via]);
      resolveTarget((addresses) => {
        const target = addresses[0];
        if (target === undefined) {
          callback?.(sip.makeResponse(message, 404, 'Not Found'));
          return;
        }
        message.headers.via = [{ params: {} }, ...(message.headers.via ?? [])];
        if (message.method === 'ACK') {
          const connection = transport.open(target, errorLog);
          try {
            connection.send(message);
          } finally {
            connection.release();
          }
          return;
        }
        const connection = transport.open(target, (err) => {
          errorLog(err);
          callback?.(sip.makeResponse(message, 503, 'Service Unavailable'));
        });
        transactions.createClientTransaction(connection, message, callback ?? (() => undefined));
      });
    },
    hostname: () => options.publicAddress ?? options.address ?? 'localhost',
    destroy() {
      transactions.destroy();
      transport.destroy();
    },
  };
}
