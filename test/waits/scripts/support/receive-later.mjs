// Start `receiver` and `sender` (two channels), send one message 200 ms later from an unref()ed
// timer (which holds nothing), and resolve with it once received: only the started receiver can
// keep the process alive meanwhile.
import { createMessage } from '@rampart/channels';

export async function receiveLater(receiver, sender) {
  const received = new Promise((resolve) => receiver.onMessage(resolve));
  await receiver.start();
  await sender.start();
  const message = createMessage({ sender: sender.team, recipient: receiver.team, type: 'brief', payload: 'tides' });
  setTimeout(() => void sender.send(message), 200).unref();
  return received;
}
