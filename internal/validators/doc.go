// Package validators holds the attribute validators and plan-time helpers of this provider that
// terraform-plugin-framework-validators does not offer. Prefer the framework's own validators
// (stringvalidator, int64validator, setvalidator, ...) wherever they fit; add a file here only for
// what they cannot express.
package validators
