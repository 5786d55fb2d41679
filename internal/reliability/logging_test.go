package reliability

import (
	"regexp"
	"testing"
)

// TestReliability_logRecipes runs the logging recipes of the provider documentation (its
// Troubleshooting) through the terraform CLI, which keeps or drops each of a provider's log lines
// by levels of its own: each recipe shows what the documentation says it shows, and leaves out
// what it says it leaves out.
func TestReliability_logRecipes(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	emu := startEmulator(t, nil)
	w := newWorkspace(t, emu)
	w.writeConfig("", objectsConfig("logs", 0, 0, 1, emu.permissionKeys(t, 1)))
	w.mustApply()

	var (
		apiRequests = regexp.MustCompile(`Vision One API request: .*@module=visionone\.visionone_api`)
		ownLines    = regexp.MustCompile(`Reading API key: .*@module=visionone(\s|$)`)
		sdkLines    = regexp.MustCompile(`@module=sdk\.`)
	)
	for _, c := range []struct {
		name        string
		env         []string
		shown, left []*regexp.Regexp
	}{
		{name: "no variable", left: []*regexp.Regexp{apiRequests, ownLines, sdkLines}},
		{name: "TF_LOG=DEBUG", env: []string{"TF_LOG=DEBUG"}, shown: []*regexp.Regexp{apiRequests, ownLines, sdkLines}},
		{name: "the provider's own lines", env: []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_SDK=OFF"},
			shown: []*regexp.Regexp{apiRequests, ownLines}, left: []*regexp.Regexp{sdkLines}},
		{name: "the API requests alone", env: []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_SDK=OFF", "TF_LOG_PROVIDER_VISIONONE=OFF",
			"TF_LOG_PROVIDER_VISIONONE_API=DEBUG"}, shown: []*regexp.Regexp{apiRequests}, left: []*regexp.Regexp{ownLines, sdkLines}},
		// Terraform keeps none of a provider's lines unless TF_LOG_PROVIDER or TF_LOG asks for
		// them, which is why the recipes above set one of them.
		{name: "a subsystem's level alone", env: []string{"TF_LOG_PROVIDER_VISIONONE_API=DEBUG"},
			left: []*regexp.Regexp{apiRequests, ownLines, sdkLines}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd, out := w.command("plan", "-input=false", "-no-color")
			cmd.Env = append(cmd.Env, "TF_LOG=", "TF_LOG_PROVIDER=", "TF_LOG_CORE=", "TF_LOG_PATH=", "TF_LOG_SDK=",
				"TF_LOG_SDK_FRAMEWORK=", "TF_LOG_SDK_PROTO=", "TF_LOG_PROVIDER_VISIONONE=", "TF_LOG_PROVIDER_VISIONONE_API=")
			cmd.Env = append(cmd.Env, c.env...)
			if err := cmd.Run(); err != nil {
				t.Fatalf("terraform plan with %v: %v\n%s", c.env, err, out)
			}
			for _, re := range c.shown {
				if !re.MatchString(out.String()) {
					t.Errorf("with %v, no line matches %s", c.env, re)
				}
			}
			for _, re := range c.left {
				if line := re.FindString(out.String()); line != "" {
					t.Errorf("with %v, a line matches %s, which the recipe leaves out: %s", c.env, re, line)
				}
			}
		})
	}
}
