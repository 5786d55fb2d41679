variable "role" {
  description = "Name of the role the integration's key gets. The role must allow API key assignment."
  type        = string
  default     = "SIEM"
}

variable "rotation_days" {
  description = "Rotate the key every this many days (time_rotating's period, counted from its own last rotation), whatever its expiry."
  type        = number
  default     = 60
}
