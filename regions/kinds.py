"""Notification kinds the foundation sends (labelled on the notification list through the registry)."""

from django.db import models


class RegionNotice(models.TextChoices):
    POST_GRANTED = "post_granted", "职务任命"
