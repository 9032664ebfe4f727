import { isPlausibleEmail } from '@app/notifications';

/**
 * The addresses of a contact list that the outbox will accept, each once (any case), and those it
 * would refuse. Contacts stored by an older import may hold addresses the outbox refuses; one such
 * address must not cost the others their email.
 */
export function plausibleRecipients(addresses: readonly string[]): { usable: string[]; refused: string[] } {
  const usable: string[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  for (const raw of addresses) {
    const address = raw.trim();
    if (!isPlausibleEmail(address)) {
      refused.push(address);
      continue;
    }
    if (seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    usable.push(address);
  }
  return { usable, refused };
}
