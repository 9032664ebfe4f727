output "id" {
  description = "Queue resource id, projects/<project>/locations/<region>/queues/<name>: the parent for created tasks."
  value       = google_cloud_tasks_queue.this.id
}

output "name" {
  description = "Queue name."
  value       = google_cloud_tasks_queue.this.name
}
