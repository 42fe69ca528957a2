from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class LeasedJob(models.Model):
    """What a job run by a task under a lease records (spreadsheets.jobs): the run is claimed with a lease
    renewed by its progress reports; a worker that died leaves a lease that expires, and the redelivered
    task or the sweeper takes the job over as the next attempt."""

    kind = models.CharField("类型", max_length=50)
    title = models.CharField("名称", max_length=100)
    params = models.JSONField("条件", default=dict)
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    # Set when the task could not be queued (broker down): the page says the job waits for the sweeper.
    enqueue_failed_at = models.DateTimeField("排队失败时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        # The sweeper's query: running jobs by the age of their lease.
        indexes = [models.Index(fields=["status", "claimed_at"], name="%(app_label)s_%(class)s_stale")]

    def __str__(self) -> str:
        return self.title


class ExportJob(LeasedJob):
    """A large Excel export built by a task (导出任务); the user watches its progress and downloads the file."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE, related_name="export_jobs"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已完成行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta(LeasedJob.Meta):
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"

    def get_absolute_url(self) -> str:
        return reverse("spreadsheets:export-detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return (
            min(100, self.done_rows * 100 // self.total)
            if self.total
            else (100 if self.status == "done" else 0)
        )


class ImportJob(LeasedJob):
    """A large import run by a task (导入任务): the uploaded file is kept until the task has read it; the user
    watches it being checked and imported, and sees every bad row by its number. All or nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        CHECKING = "checking", "检查中"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.CASCADE, related_name="import_jobs"
    )
    file = models.FileField("文件", upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=255, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已读取行数", default=0)
    errors = models.JSONField("错误", default=list, blank=True)  # one text per bad row ("第N行：...")
    # New accounts' initial passwords are kept here only encrypted, until first shown or for a day.
    result = models.JSONField("结果", default=dict, blank=True)

    class Meta(LeasedJob.Meta):
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"

    def get_absolute_url(self) -> str:
        return reverse("spreadsheets:import-detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.CHECKING, self.Status.IMPORTING)
