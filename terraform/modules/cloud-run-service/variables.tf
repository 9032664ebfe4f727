variable "project_id" {
  description = "Project of the service."
  type        = string
}

variable "region" {
  description = "Region of the service."
  type        = string
}

variable "name" {
  description = "Service name; also names its service account (<name>-run)."
  type        = string

  validation {
    # 26 characters leaves room for the 4-character suffix within a service account id's 30.
    condition     = can(regex("^[a-z][a-z0-9-]{0,24}[a-z0-9]$", var.name))
    error_message = "name must be 2-26 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "image" {
  description = "Container image, e.g. europe-west2-docker.pkg.dev/<project>/<repo>/covid-pool:<sha>."
  type        = string
}

variable "container_port" {
  description = "Port the app listens on; Cloud Run passes it to the container as PORT."
  type        = number
  default     = 8080
}

variable "env" {
  description = "Plain environment variables. PORT is reserved (Cloud Run sets it)."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.env), "PORT")
    error_message = "PORT is set by Cloud Run from container_port; do not set it in env."
  }
}

variable "secret_env" {
  description = <<-EOT
    Environment variables read from Secret Manager: { ENV_NAME = { secret = <secret id or
    projects/../secrets/..>, version = "latest" } }. The service account is granted
    secretAccessor on exactly these secrets. Use one variable per secret.
  EOT
  type = map(object({
    secret  = string
    version = optional(string, "latest")
  }))
  default = {}

  validation {
    condition     = !contains(keys(var.secret_env), "PORT")
    error_message = "PORT is set by Cloud Run from container_port."
  }
}

variable "cloud_sql_instances" {
  description = "Cloud SQL connection names (project:region:instance) mounted as unix sockets under /cloudsql. Grants roles/cloudsql.client."
  type        = list(string)
  default     = []
}

variable "vpc_access" {
  description = "Direct VPC egress (to reach Cloud SQL's private IP). null: no VPC access."
  type = object({
    network    = string
    subnetwork = string
    egress     = optional(string, "PRIVATE_RANGES_ONLY")
  })
  default = null
}

variable "min_instances" {
  description = "Minimum instances (0 scales to zero)."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Maximum instances. With DATABASE_POOL_SIZE it bounds the database connections this service can open."
  type        = number
  default     = 3
}

variable "cpu" {
  description = "CPU limit per instance."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory limit per instance."
  type        = string
  default     = "512Mi"
}

variable "concurrency" {
  description = "Maximum concurrent requests per instance."
  type        = number
  default     = 40
}

variable "request_timeout_seconds" {
  description = "Request timeout. Jobs run inside the request, so this must cover the longest job (and the Scheduler attempt deadline)."
  type        = number
  default     = 300

  validation {
    condition     = var.request_timeout_seconds >= 1 && var.request_timeout_seconds <= 3600
    error_message = "request_timeout_seconds must be between 1 and 3600."
  }
}

variable "ingress" {
  description = "INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER. IAM decides who may call either way."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"

  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}

variable "invokers" {
  description = <<-EOT
    Members granted roles/run.invoker on this service only, keyed by a label known at plan time:
    { scheduler = "serviceAccount:...", operators = "group:..." }. Never allUsers or
    allAuthenticatedUsers: the apps trust Cloud Run's invoker check (JOB_AUTH_MODE=iam).
  EOT
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for member in values(var.invokers) : !contains(["allUsers", "allAuthenticatedUsers"], member)])
    error_message = "invokers must not include allUsers or allAuthenticatedUsers."
  }
}

variable "health_check_path" {
  description = "Cheap endpoint (no database) for the startup and liveness probes."
  type        = string
  default     = "/healthz"
}

variable "labels" {
  description = "Labels on the service and its revisions."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse `terraform destroy` of the service."
  type        = bool
  default     = true
}

variable "public" {
  description = <<-EOT
    Let anyone reach the service (run.invoker for allUsers). Only for an app that authenticates every
    route itself: people by its web sign-in, jobs and tasks by verifying Google's ID tokens
    (JOB_AUTH_MODE=oidc; the app module sets it with this).
  EOT
  type        = bool
  default     = false
}

variable "deployer_member" {
  description = "IAM member of CI's deployer (serviceAccount:<email>): gets roles/iam.serviceAccountUser on this service's account, before the service is created. null: granted by hand."
  type        = string
  default     = null
}

variable "iam_propagation_wait" {
  description = "How long the service waits, on create only, after the deployer's binding (IAM changes take up to a few minutes to apply)."
  type        = string
  default     = "120s"
}
