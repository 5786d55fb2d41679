# An API key can be imported by its id or by its name. Vision One shows a key's value only once,
# at creation, so an imported key has a null value; replace it to get one:
#   terraform apply -replace=visionone_api_key.siem
terraform import visionone_api_key.siem 3c2d5f5e-8f43-4c3e-9a3e-2f1b6c1d2e4f
terraform import visionone_api_key.siem splunk-forwarder
