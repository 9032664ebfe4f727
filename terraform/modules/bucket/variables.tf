variable "project_id" {
  description = "Project of the bucket."
  type        = string
}

variable "name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "location" {
  description = "Bucket location, e.g. europe-west2 (data stays in London) or EU."
  type        = string
}

variable "storage_class" {
  description = "Default storage class."
  type        = string
  default     = "STANDARD"
}

variable "versioning" {
  description = "Keep previous versions of overwritten and deleted objects."
  type        = bool
  default     = true
}

variable "noncurrent_version_retention_days" {
  description = "With versioning: delete previous versions this many days after they stopped being current (null: keep them)."
  type        = number
  default     = 90
}

variable "soft_delete_retention_seconds" {
  description = "How long deleted objects stay recoverable (0 disables soft delete; otherwise 7 to 90 days)."
  type        = number
  default     = 604800
}

variable "iam_members" {
  description = <<-EOT
    Bucket-level grants keyed by a label known at plan time:
    { gateway-writer = { role = "roles/storage.objectUser", member = "serviceAccount:..." } }.
    Never allUsers or allAuthenticatedUsers (public access prevention would refuse them anyway).
  EOT
  type = map(object({
    role   = string
    member = string
  }))
  default = {}

  validation {
    condition     = alltrue([for grant in values(var.iam_members) : !contains(["allUsers", "allAuthenticatedUsers"], grant.member)])
    error_message = "iam_members must not include allUsers or allAuthenticatedUsers."
  }
}

variable "labels" {
  description = "Labels on the bucket."
  type        = map(string)
  default     = {}
}
