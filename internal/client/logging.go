package client

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the client's log lines. Its level can be set on its own
// with TF_LOG_PROVIDER_VISIONONE_API.
const LogSubsystem = "visionone_api"

// secretSet holds every secret the client has handled: its own key and the value of every API key
// it created. They are masked in every log line and redacted from every error message.
type secretSet struct {
	mu     sync.RWMutex
	values []string
}

func (s *secretSet) add(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.values, v) {
		s.values = append(s.values, v)
	}
}

func (s *secretSet) list() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.values)
}

// logContext returns ctx with the client's log subsystem, masking every known secret in messages
// and field values, at the root and in the subsystem. The client never puts a secret into a log
// line on purpose; the masks are the second line of defence.
func (c *Client) logContext(ctx context.Context) context.Context {
	secrets := c.secrets.list()
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "VISIONONE_API"))
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, secrets...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, secrets...)
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, LogSubsystem, bearerPattern, jwtPattern)
	return tflog.SubsystemMaskMessageRegexes(ctx, LogSubsystem, bearerPattern, jwtPattern)
}

// bearerPattern and jwtPattern catch credentials the client does not know of, such as a token
// echoed back in an error page: Vision One keys are JWTs (API.md, "Authentication").
var (
	bearerPattern = regexp.MustCompile(`(?i)bearer\s+[^\s"',;]+`)
	jwtPattern    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(\.[A-Za-z0-9_-]*)?`)
)

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
