// Package planmodifiers holds the attribute plan modifiers of this provider that the framework's
// own stringplanmodifier, boolplanmodifier, setplanmodifier, ... packages do not offer. Prefer those
// wherever they fit; add a file here only for what they cannot express.
package planmodifiers
