import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { mergeTags, type Tags } from "../shared/tags";
import { GITHUB_OIDC_URL, STS_AUDIENCE } from "./trust";

export interface GithubOidcProviderArgs {
  /**
   * The account's GitHub Actions OIDC provider. IAM allows one provider per URL per account, so
   * exactly one stack in an account creates it (`{ create: true }`) and every other stack there
   * references it by ARN (`{ arn }`, the creating stack's `ci.githubOidcProviderArn` output).
   */
  provider: { create: true } | { arn: pulumi.Input<string> };
  /** Tags on the provider when created (the provider's default tags come first). @default {} */
  tags?: Tags;
}

/**
 * The account-wide IAM OIDC identity provider for `https://token.actions.githubusercontent.com`,
 * created or referenced.
 *
 * No thumbprints: `thumbprintLists` is optional in @pulumi/aws 7 (terraform-provider-aws
 * `aws_iam_openid_connect_provider`), and for GitHub IAM does not use them — "AWS secures
 * communication with some OIDC identity providers (IdPs) through our library of trusted root
 * certificate authorities (CAs) instead of using a certificate thumbprint … These OIDC IdPs
 * include Auth0, GitHub, GitLab, Google …" (IAM API reference, UpdateOpenIDConnectProviderThumbprint
 * and CreateOpenIDConnectProvider). A pinned thumbprint would only be dead data to keep up to date.
 *
 * Client id (audience) `sts.amazonaws.com`: what aws-actions/configure-aws-credentials requests.
 *
 * A created provider is kept when the stack is destroyed (`retainOnDelete`): the account's other
 * stacks trust it too. Delete it by hand once no stack references it.
 */
export class GithubOidcProvider extends pulumi.ComponentResource {
  /** ARN of the provider (the Federated principal of the CI roles' trust policies). */
  readonly arn: pulumi.Output<string>;
  /** Whether this stack created the provider. */
  readonly created: boolean;

  constructor(name: string, args: GithubOidcProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:ci:GithubOidcProvider", name, {}, opts);
    this.created = "create" in args.provider;
    if ("arn" in args.provider) {
      this.arn = pulumi.output(args.provider.arn);
    } else {
      const provider = new iam.OpenIdConnectProvider(
        `${name}-provider`,
        { url: GITHUB_OIDC_URL, clientIdLists: [STS_AUDIENCE], tags: mergeTags(args.tags, { Name: "github-actions" }) },
        { parent: this, retainOnDelete: true },
      );
      this.arn = provider.arn;
    }
    this.registerOutputs({ arn: this.arn });
  }
}
