// Runner test data: an --impl module whose opened resolves with undefined instead of a SocketInfo.
import { connect as real } from '@arrowood.dev/socket';

export function connect(...args: Parameters<typeof real>) {
  const socket = real(...args);
  Object.defineProperty(socket, 'opened', { value: Promise.resolve(undefined) });
  return socket;
}
