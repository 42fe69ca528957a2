"""Notification kinds the foundation sends (labelled on the notification list through the registry)."""

from django.db import models


class RegionNotice(models.TextChoices):
    POST_GRANTED = "post_granted", "职务任命"
    URGED = "urged", "督办"
    URGING_ANSWERED = "urging_answered", "督办回复"
