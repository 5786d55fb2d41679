package client

import (
	"context"
	"regexp"
	"strconv"
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
// echoed back in an error page: Vision One keys are JWTs (API.md, "Authentication"). jwtPattern
// takes a JWT's header ("eyJ", the encoding of `{"`), its dot and what follows, and goes on over
// the pieces of a token quoted cut up: pieces of secretPieceLen or more characters after white
// space, an escaped line break of JSON text or a short tag (<wbr>, <br/>), as a wrapped message or
// an error page shows a long token.
var (
	bearerPattern = regexp.MustCompile(`(?i)bearer\s+[^\s"',;]+`)
	jwtPattern    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_.-]*` +
		`(?:(?:\s|\\[nrt]|<[^<>]{0,16}>)+[A-Za-z0-9_.-]{` + strconv.Itoa(secretPieceLen) + `,})*`)
)

// secretPieceLen is the shortest piece of a known secret that redact removes wherever it shows: a
// piece this long of a random key does not occur in a text by chance, and a shorter one gives
// away too little of the key to matter.
const secretPieceLen = 16

// ShapedLikeKeyValue reports whether s holds something shaped like a key's value (a JWT), which
// the client never quotes.
func ShapedLikeKeyValue(s string) bool { return jwtPattern.MatchString(s) }

const redactedMark = "***"

// redact removes every secret from s: the known ones, also cut up (every piece of one of
// secretPieceLen or more bytes), bearer credentials and anything shaped like a JWT. It repeats
// until nothing is left, since removing one occurrence can join two halves of another.
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
		s = redactPieces(s, secret)
	}
	return s
}

// redactPieces replaces each run of s covered by pieces of secret at least secretPieceLen bytes
// long with redactedMark.
func redactPieces(s, secret string) string {
	if len(secret) < 2*secretPieceLen || len(s) < secretPieceLen {
		return s // a short secret is removed whole or not at all
	}
	pieces := make(map[string]struct{}, len(secret))
	for i := 0; i+secretPieceLen <= len(secret); i++ {
		pieces[secret[i:i+secretPieceLen]] = struct{}{}
	}
	var out strings.Builder
	end := -1 // of the run being covered, and of what out holds of s; -1 before the first
	for i := 0; i+secretPieceLen <= len(s); i++ {
		if _, ok := pieces[s[i:i+secretPieceLen]]; !ok {
			continue
		}
		if i > end { // a run begins
			out.WriteString(s[max(end, 0):i])
			out.WriteString(redactedMark)
		}
		end = i + secretPieceLen
	}
	if end < 0 {
		return s
	}
	out.WriteString(s[end:])
	return out.String()
}
