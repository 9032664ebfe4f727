variable "project_id" {
  description = "The CI project that holds the repository."
  type        = string
}

variable "region" {
  description = "Repository location (the environments' region)."
  type        = string
}

variable "repository_id" {
  description = "Repository name: images are <region>-docker.pkg.dev/<project>/<repository_id>/<app>:<sha>."
  type        = string
  default     = "platform"
}

variable "keep_recent" {
  description = "Versions kept per image whatever their age: how far back a rollback can go (one version per build on main)."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_recent >= 10
    error_message = "keep_recent below 10 leaves too little to roll back to."
  }
}

variable "delete_after_days" {
  description = "Versions older than this are deleted unless a keep policy matches them."
  type        = number
  default     = 90
}

variable "readers" {
  description = "Members that pull images, keyed by a label: each environment's Cloud Run service agent (service-<project number>@serverless-robot-prod.iam.gserviceaccount.com)."
  type        = map(string)
  default     = {}
}

variable "writers" {
  description = "Members that push images, keyed by a label: CI's build service account."
  type        = map(string)
  default     = {}
}
