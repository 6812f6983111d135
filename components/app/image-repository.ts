import * as ecr from "@pulumi/aws/ecr";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../shared/naming";
import { mergeTags, type Tags } from "../shared/tags";

/** Arguments of {@link ImageRepository}. */
export interface ImageRepositoryArgs {
  /** Prefix of the repository name. */
  namePrefix: string;
  /** Days an untagged image is kept before ECR deletes it. @default 14. Cost: $0.10 per GB-month stored. */
  untaggedImageDays?: number;
  /** Tags. */
  tags?: Tags;
}

/**
 * The workers' container registry: immutable tags (a tag can never be pointed at other code),
 * scan on push, and untagged images expired. Created even while the workers are off, because an
 * image must be pushed here before its digest can be configured (`promptandpause:workers.imageDigest`).
 */
export class ImageRepository extends pulumi.ComponentResource {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;

  constructor(name: string, args: ImageRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:app:ImageRepository", name, {}, opts);
    const repoName = physicalName("aws-ecr-repository", [args.namePrefix, "workers"]);
    const repo = new ecr.Repository(
      `${name}-repository`,
      {
        name: repoName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        forceDelete: false,
        tags: mergeTags({ component: "workers" }, args.tags, { Name: repoName }),
      },
      { parent: this },
    );
    new ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: repo.name,
        // ECR lifecycle policy grammar: rulePriority, selection {tagStatus, countType, countUnit, countNumber}, action {type: "expire"}.
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "Expire untagged images",
              selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: args.untaggedImageDays ?? 14 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );
    this.repositoryUrl = repo.repositoryUrl;
    this.repositoryArn = repo.arn;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl });
  }
}
