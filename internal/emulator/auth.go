package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// principal is who a request authenticated as: the admin key, or an API key with its role.
type principal struct {
	admin  bool
	roleID string
}

// authenticate resolves the bearer token. API keys are found by the SHA-256 of the token, so the
// secrets themselves are never stored and the comparison does not depend on the secret's bytes.
func (s *Server) authenticate(r *http.Request, now time.Time) (principal, *httpError) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return principal{}, errInvalidCredentials()
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.adminKey)) == 1 {
		return principal{admin: true}, nil
	}
	hash := tokenHash(token)
	k, ok := s.st.apiKeys[s.st.apiKeyByHash[hash]]
	if !ok || subtle.ConstantTimeCompare([]byte(k.TokenHash), []byte(hash)) != 1 {
		return principal{}, errInvalidCredentials()
	}
	if k.Status != statusEnabled || k.expired(now) {
		return principal{}, errInvalidCredentials()
	}
	used := now
	k.LastUsed = &used
	return principal{roleID: k.RoleID}, nil
}

// isMaster reports whether the caller has Master Administrator rights.
func (s *Server) isMaster(p principal) bool {
	if p.admin {
		return true
	}
	r, ok := s.st.roles[p.roleID]
	return ok && r.Type == roleTypePredefined && r.Name == masterAdministrator
}

// allowed applies the authorization table (API.md, "Authorization table"); an empty perm needs
// only a valid token.
func (s *Server) allowed(p principal, perm string) bool {
	if perm == "" || s.isMaster(p) {
		return true
	}
	r, ok := s.st.roles[p.roleID]
	return ok && slices.Contains(r.PermissionKeys, perm)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken returns a key value shaped like Vision One's: a JWT (three base64url parts joined by
// dots) of well over 500 characters (API.md, "Authentication"). The signature part is random,
// which makes every value unique and unguessable.
func newToken(id string, created time.Time, expires *time.Time) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	claims := map[string]any{
		"cid":       newID(),
		"cpid":      "svp",
		"ppid":      "visionone-emulator",
		"id":        id,
		"it":        created.Unix(),
		"token_use": "apikey",
		"jti":       newID(),
	}
	if expires != nil {
		claims["et"] = expires.Unix()
	}
	payload, _ := json.Marshal(claims)
	sig := make([]byte, 256)
	_, _ = rand.Read(sig)
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(sig)
}

// checkIfMatch applies the ETag precondition (API.md, "Decision: If-Match"): quoted, unquoted,
// weak or "*" values are accepted; a missing header passes unless required.
func checkIfMatch(r *http.Request, current string, required bool) *httpError {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		if required {
			return missingParam("If-Match")
		}
		return nil
	}
	for candidate := range strings.SplitSeq(v, ",") {
		candidate = strings.TrimSpace(candidate)
		candidate = strings.TrimPrefix(candidate, "W/")
		candidate = strings.Trim(candidate, `"`)
		if candidate == "*" || candidate == current {
			return nil
		}
	}
	return errConditionNotMet()
}
