package client

import (
	"context"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the client's log lines. Its level can be set on its own
// with TF_LOG_PROVIDER_VISIONONE_API.
const LogSubsystem = "visionone_api"

// logContext returns ctx with the client's log subsystem, masking in messages and field values
// what any request can carry: the provider's own key, and anything shaped like a bearer
// credential or a JWT (Vision One keys are JWTs: API.md, "Authentication"), such as a key echoed
// back in an error page. The client never puts a secret into a log line on purpose; the masks are
// the second line of defence. They cost the same for every request, however many keys the process
// has created: a created key's value can appear only in the answer of its create, and is masked in
// that request's context alone (maskAnswerSecrets).
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "VISIONONE_API"))
	ctx = tflog.SubsystemMaskLogStrings(ctx, LogSubsystem, c.cfg.APIKey)
	return tflog.SubsystemMaskLogRegexes(ctx, LogSubsystem, bearerPattern, jwtPattern)
}

// maskAnswerSecrets adds the secrets that one answer carries (request.answerSecrets) to the masks
// of ctx, the log context of that request.
func maskAnswerSecrets(ctx context.Context, secrets []string) context.Context {
	if len(secrets) == 0 {
		return ctx
	}
	return tflog.SubsystemMaskLogStrings(ctx, LogSubsystem, secrets...)
}

// redactions is what an error text taken from an answer is cleaned of, beside the shapes of
// bearerPattern and jwtPattern (redact): the provider's own key, which every request carries, and
// the secrets of the answer itself.
func (c *Client) redactions(answerSecrets ...string) []string {
	return append([]string{c.cfg.APIKey}, answerSecrets...)
}

// bearerPattern and jwtPattern catch credentials the client does not know of, such as a token
// echoed back in an error page: Vision One keys are JWTs (API.md, "Authentication").
var (
	bearerPattern = regexp.MustCompile(`(?i)bearer\s+[^\s"',;]+`)
	jwtPattern    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(\.[A-Za-z0-9_-]*)?`)
)

// ShapedLikeKeyValue reports whether s holds something shaped like a key's value (a JWT), which
// the client never quotes.
func ShapedLikeKeyValue(s string) bool { return jwtPattern.MatchString(s) }

const redactedMark = "***"

// redact removes every secret from s: the known ones, bearer credentials and anything shaped like
// a JWT. It repeats until nothing is left, since removing one occurrence can join two halves of
// another.
func redact(s string, secrets []string) string {
	s = bearerPattern.ReplaceAllString(s, "Bearer "+redactedMark)
	s = jwtPattern.ReplaceAllString(s, redactedMark)
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		replacement := redactedMark
		if len(secret) <= len(redactedMark) {
			replacement = ""
		}
		for strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, replacement)
		}
	}
	return s
}
