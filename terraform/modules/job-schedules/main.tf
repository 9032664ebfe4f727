# The scheduled jobs of apps/manifest.json with the period of each schedule: what the monitoring
# module's absence alerts (one per job: "no successful run within twice its period plus 10
# minutes") are made from.
# No provider and no resource, so `terraform console` evaluates it anywhere, offline:
# scripts/check-alerts.mjs does, to prove every scheduled job gets its alert.
#
# A schedule's period comes from its cron expression for the shapes the manifest uses; a job whose
# schedule has another shape names its own with `"alertAfterMinutes"` in the manifest (the
# window itself, not the period), or the `jobs` output refuses to evaluate.

locals {
  absence_slack_minutes = 10

  manifest = jsondecode(file("${path.module}/../../../apps/manifest.json"))

  # Minutes between runs, by the cron expression's shape (minute hour day month weekday):
  #   */N * * * *   every N minutes          M * * * *    hourly
  #   M */N * * *   every N hours            M H * * *    daily (one hour)
  #   M H * * D     weekly (one weekday)
  # Lists and ranges in the hour field (M 6,18 * * *) take the daily period: the longest gap bounds it.
  periods = {
    for app in local.manifest.apps : app.name => {
      for job in app.jobs : job.name => (
        can(regex("^\\*/([0-9]+) \\* \\* \\* \\*$", job.schedule)) ? tonumber(regex("^\\*/([0-9]+) ", job.schedule)[0]) :
        can(regex("^[0-9]+ \\* \\* \\* \\*$", job.schedule)) ? 60 :
        can(regex("^[0-9]+ \\*/([0-9]+) \\* \\* \\*$", job.schedule)) ? 60 * tonumber(regex("^[0-9]+ \\*/([0-9]+) ", job.schedule)[0]) :
        can(regex("^[0-9]+ [0-9,-]+ \\* \\* \\*$", job.schedule)) ? 1440 :
        can(regex("^[0-9]+ [0-9]+ \\* \\* [0-7]$", job.schedule)) ? 10080 :
        null
      )
    }
  }

  jobs = merge([
    for app in local.manifest.apps : {
      for job in app.jobs : "${app.name}/${job.name}" => {
        app            = app.name
        job            = job.name
        schedule       = job.schedule
        period_minutes = local.periods[app.name][job.name]
        # No successful run for this long raises the job's absence alert: twice its period plus
        # local.absence_slack_minutes (a run's own length and the log-based metric's delay: without
        # it a 5-minute job's 10-minute window fires whenever one run's point lands late).
        absence_minutes = try(job.alertAfterMinutes, local.periods[app.name][job.name] == null ? null : local.periods[app.name][job.name] * 2 + local.absence_slack_minutes)
      }
    }
  ]...)
}

output "jobs" {
  description = "Every scheduled job of apps/manifest.json, keyed \"<app>/<job>\": app, job, schedule, period_minutes, absence_minutes."
  value       = local.jobs

  precondition {
    condition     = alltrue([for job in values(local.jobs) : job.absence_minutes != null])
    error_message = "A schedule in apps/manifest.json has a shape terraform/modules/job-schedules cannot read a period from: give that job \"alertAfterMinutes\" (its absence alert's window)."
  }
}
