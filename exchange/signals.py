"""What the exchange app hears from the apps below it (they do not know it exists):

- a referral's transition (a new ``ReferralEvent``) and a new ``Message``: webhooks queued in the
  same transaction (``webhooks``), sent by the outbox after the commit;
- a synchronised record deleted: its tombstones (``tombstones.deleted``); a file anonymised:
  the eraser the anonymisation calls in its transaction (``tombstones.anonymised``).
"""

from django.db.models.signals import post_delete, post_save, pre_delete


def _on_referral_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from . import webhooks

        webhooks.referral_event(instance)


def _on_message(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from django.utils import timezone

        from referrals.models import Referral

        from . import webhooks

        # A new message is a change of its referral for the incremental sync.
        Referral.objects.filter(pk=instance.referral_id).update(updated_at=timezone.now())
        webhooks.message_posted(instance)


def connect():
    from beneficiaries import actions as beneficiary_actions
    from referrals.models import Message, ReferralEvent

    from . import tombstones

    post_save.connect(_on_referral_event, sender=ReferralEvent, dispatch_uid="exchange-event")
    post_save.connect(_on_message, sender=Message, dispatch_uid="exchange-message")
    for model in tombstones.synced_models():
        pre_delete.connect(tombstones.before_delete, sender=model, dispatch_uid=f"tomb-{model}")
        post_delete.connect(tombstones.deleted, sender=model, dispatch_uid=f"tomb-{model}")
    beneficiary_actions.register_eraser(tombstones.anonymised)
