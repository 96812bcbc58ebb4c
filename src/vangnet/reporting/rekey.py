"""Re-key steps of reporting (`vangnet rekey`, ADR 0030): what reporting protects with a server key.

- notification addresses (`Report.notify_ciphertext`): decrypted with any configured key,
  re-encrypted under the current one;
- involvement tags (`Report.involved_tags`): each tag is matched against the organisation's
  members under every configured key and replaced by the current key's tag. A tag that matches
  no member any more (the membership was deleted) is kept as it is: it names nobody who exists.

Receipt codes need nothing here: their pepper and salt are held secrets that `rekey` re-wraps.
The reporter cookie lives 30 minutes and is read with every configured key meanwhile.
"""

from __future__ import annotations

from django.db import transaction

from vangnet.core import crypto
from vangnet.core.rekey import RekeyCount

from .conflicts import involved_by_key, involvement_tag
from .models import Report


def rekey_notify_addresses(dry_run: bool, batch_size: int) -> RekeyCount:
    count = RekeyCount()
    reports = Report.objects.filter(notify_ciphertext__isnull=False).only("pk", "notify_ciphertext")
    for report in reports.order_by("pk").iterator(chunk_size=batch_size):
        count.checked += 1
        if report.notify_ciphertext is None:
            continue
        try:
            address, current = crypto.server_decrypt("notify", bytes(report.notify_ciphertext))
        except crypto.DecryptionError:
            count.unreadable += 1
            continue
        if current:
            continue
        count.rekeyed += 1
        if not dry_run:
            Report.objects.filter(pk=report.pk).update(
                notify_ciphertext=crypto.server_encrypt("notify", address)
            )
    return count


def rekey_involvement_tags(dry_run: bool, batch_size: int) -> RekeyCount:
    count = RekeyCount()
    reports = (Report.objects.exclude(involved_tags=[]).exclude(involved_tags__isnull=True)
               .only("pk", "organisation_id", "receipt_hash", "involved_tags"))
    for report in reports.order_by("pk").iterator(chunk_size=batch_size):
        count.checked += 1
        found = involved_by_key(report)
        if all(position == 0 for position in found.values()):
            continue
        count.rekeyed += 1
        if dry_run:
            continue
        matched_old = {
            crypto.keyed_hash_with(crypto.server_keys("involved")[position],
                                   f"{report.receipt_hash}:{pk}")
            for pk, position in found.items()
        }
        unmatched = [tag for tag in report.involved_tags if tag not in matched_old]
        renewed = {involvement_tag(receipt_hash=report.receipt_hash, membership_id=pk)
                   for pk in found}
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(
                involved_tags=sorted(renewed | set(unmatched))
            )
    return count
