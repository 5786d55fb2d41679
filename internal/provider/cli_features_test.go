package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// cliFeature is a language feature this provider serves that older CLIs lack, with the first
// release of each CLI that has it. OpenTofu numbers its releases on its own line and reports them
// where Terraform reports its version (`tofu version -json` says "terraform_version": "1.12.6"), so
// tfversion.SkipBelow alone would judge OpenTofu 1.12 by Terraform 1.12's features.
type cliFeature struct {
	name      string
	terraform *version.Version
	// openTofu is nil while no OpenTofu release has the feature.
	openTofu *version.Version
}

var (
	// featureIdentity: import blocks with identity (Terraform 1.12; OpenTofu 1.12, whose changelog
	// lists them).
	featureIdentity = cliFeature{"resource identity", tfversion.Version1_12_0, version.Must(version.NewVersion("1.12.0"))}
	// featureEphemeral: ephemeral resources (Terraform 1.10; OpenTofu 1.11).
	featureEphemeral = cliFeature{"ephemeral resources", tfversion.Version1_10_0, version.Must(version.NewVersion("1.11.0"))}
	// featureQuery: list resources and `terraform query` (Terraform 1.14; no OpenTofu release).
	featureQuery = cliFeature{"list resources and terraform query", tfversion.Version1_14_0, nil}
	// featureNone is what every CLI has, for a test that needs no particular feature.
	featureNone = cliFeature{}
)

// skipBelowFeature is tfversion.SkipBelow for either CLI: the test is skipped, with the reason,
// when the CLI under test (TF_ACC_TERRAFORM_PATH, else terraform from PATH) lacks the feature.
func skipBelowFeature(f cliFeature) tfversion.TerraformVersionCheck {
	return featureCheck{feature: f, openTofu: cliIsOpenTofu}
}

type featureCheck struct {
	feature  cliFeature
	openTofu func() (bool, error)
}

func (c featureCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	openTofu, err := c.openTofu()
	if err != nil {
		resp.Error = err
		return
	}
	if !openTofu {
		tfversion.SkipBelow(c.feature.terraform).CheckTerraformVersion(ctx, req, resp)
		if resp.Skip != "" {
			resp.Skip = fmt.Sprintf("needs Terraform %s or later for %s; %s", c.feature.terraform, c.feature.name, resp.Skip)
		}
		return
	}
	if c.feature.openTofu == nil {
		resp.Skip = fmt.Sprintf("no OpenTofu release has %s (the CLI under test is OpenTofu %s): skipping test",
			c.feature.name, req.TerraformVersion)
		return
	}
	if req.TerraformVersion.Core().LessThan(c.feature.openTofu) {
		resp.Skip = fmt.Sprintf("needs OpenTofu %s or later for %s, the CLI under test is OpenTofu %s: skipping test",
			c.feature.openTofu, c.feature.name, req.TerraformVersion)
	}
}

// cliIsOpenTofu reports whether the CLI under test is OpenTofu, from its `version` output
// ("OpenTofu v1.12.6" or "Terraform v1.14.9", after any warning about the CLI configuration,
// which OpenTofu prints first); asked once per test binary.
var cliIsOpenTofu = sync.OnceValues(func() (bool, error) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			return false, fmt.Errorf("finding the CLI under test: %w", err)
		}
	}
	cmd := exec.Command(cli, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Errorf("%s version: %w", cli, err)
	}
	return openTofuVersionLine.Match(out), nil
})

var openTofuVersionLine = regexp.MustCompile(`(?m)^OpenTofu v`)

func TestSkipBelowFeature(t *testing.T) {
	t.Parallel()
	v := func(s string) *version.Version { return version.Must(version.NewVersion(s)) }
	for _, tc := range []struct {
		name     string
		feature  cliFeature
		openTofu bool
		cli      string
		skip     bool
	}{
		{"Terraform with the feature", featureQuery, false, "1.14.9", false},
		{"Terraform prerelease of the first release", featureQuery, false, "1.14.0-rc1", false},
		{"Terraform without the feature", featureQuery, false, "1.11.4", true},
		{"OpenTofu, a feature it lacks whatever the number", featureQuery, true, "1.14.9", true},
		{"OpenTofu with the feature", featureIdentity, true, "1.12.6", false},
		{"OpenTofu before the feature", featureEphemeral, true, "1.10.7", true},
		{"Terraform 1.10 has ephemeral resources", featureEphemeral, false, "1.10.0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := featureCheck{feature: tc.feature, openTofu: func() (bool, error) { return tc.openTofu, nil }}
			var resp tfversion.CheckTerraformVersionResponse
			check.CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v(tc.cli)}, &resp)
			if resp.Error != nil {
				t.Fatal(resp.Error)
			}
			if (resp.Skip != "") != tc.skip {
				t.Errorf("skip = %q, want skipped: %t", resp.Skip, tc.skip)
			}
			if resp.Skip != "" && !strings.Contains(resp.Skip, tc.feature.name) {
				t.Errorf("the reason %q does not name the feature", resp.Skip)
			}
		})
	}
}
