// The article's five steps with the JavaScript SDK v3, against a lab named by the environment
// (lab.env(): AWS_ENDPOINT_URL, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE). Prints one JSON
// object per step; tests/clients/test_js_sdk.py decides what is right.
import http from "node:http";
import { Readable } from "node:stream";
import { randomBytes, createHash } from "node:crypto";
import { S3Client, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { IAMClient, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { fromIni } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const [roleArn, userArn, bucket] = process.argv.slice(2);
const report = (step, value) => console.log(JSON.stringify({ step, ...value }));
const attempt = async (call) => {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, code: error.name, message: error.message };
  }
};
const asJonnung = { credentials: fromIni({ profile: "jonnung" }) };

// 1. the profile jonnung signs requests
const me = await attempt(() => new STSClient(asJonnung).send(new GetCallerIdentityCommand({})));
report(1, { ...me, value: me.value?.Arn });
// 2. jonnung may not list buckets
report(2, await attempt(() => new S3Client(asJonnung).send(new ListBucketsCommand({}))));
// 3. the role trusts only EC2
const assume = () =>
  new STSClient(asJonnung).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "jonnung-s3-role" }));
report(3, await attempt(assume));
// 4. the administrator (default profile) adds jonnung to the trust policy
const trust = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: userArn, Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
report(4, await attempt(() => new IAMClient({}).send(new UpdateAssumeRolePolicyCommand({
  RoleName: roleArn.split("/").pop(), PolicyDocument: JSON.stringify(trust),
})).then(() => "updated")));
// 5. the role's temporary credentials list the bucket
const assumed = await attempt(assume);
const temporary = assumed.ok && {
  accessKeyId: assumed.value.Credentials.AccessKeyId,
  secretAccessKey: assumed.value.Credentials.SecretAccessKey,
  sessionToken: assumed.value.Credentials.SessionToken,
};
const listed = await attempt(() => new S3Client({ credentials: temporary }).send(new ListBucketsCommand({})));
report(5, { ...listed, value: listed.value?.Buckets.map((b) => b.Name) });
// the same role through a role profile (role_arn + source_profile)
const viaProfile = await attempt(() =>
  new S3Client({ credentials: fromIni({ profile: "s3role" }) }).send(new ListBucketsCommand({})));
report("role-profile", { ...viaProfile, value: viaProfile.value?.Buckets.map((b) => b.Name) });
// a stream of unknown length, uploaded by the administrator and read back: sent with
// Transfer-Encoding: chunked and no Content-Length (with a checksum, the SDK itself refuses an
// unknown length, so only the checksums S3 requires are sent)
const data = randomBytes(300 * 1024 + 7);
const put = await attempt(() => new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED" }).send(new PutObjectCommand({
  Bucket: bucket, Key: "stream.bin", Body: Readable.from([data.subarray(0, 70000), data.subarray(70000)]),
})));
const got = await attempt(async () => {
  const body = await (await new S3Client({}).send(new GetObjectCommand({ Bucket: bucket, Key: "stream.bin" }))).Body.transformToByteArray();
  return { length: body.length, sha256: createHash("sha256").update(body).digest("hex") };
});
report("stream", { put, got, sent: { length: data.length, sha256: createHash("sha256").update(data).digest("hex") } });
// virtual-hosted addressing at http://localhost:PORT, with *.localhost resolved to loopback as
// systemd-resolved and browsers do
const port = new URL(process.env.AWS_ENDPOINT_URL).port;
const looked = [];
const agent = new http.Agent({ lookup: (host, options, callback) =>
  looked.push(host) && (host === "localhost" || host.endsWith(".localhost")
    ? (options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4))
    : callback(new Error(`not resolving ${host} in a test`))) });
const virtual = new S3Client({ endpoint: `http://localhost:${port}`, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
const hosted = await attempt(() => virtual.send(new ListObjectsV2Command({ Bucket: bucket })));
report("virtual-host", { ...hosted, value: hosted.value?.Contents?.map((o) => o.Key), looked });
