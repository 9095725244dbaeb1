import assert from "node:assert/strict";
import { Region } from "@pulumi/aws/types/enums";
import { BACKUP_RESOURCE_TYPES, DOCUMENTED_REGIONS, backupResourceTypesIn, fullManagementTypes } from "../config/backup-resource-type-data";
import { assertPartition, partitionOf } from "../policies/arn";

const REGION_CODES: readonly string[] = Object.values(Region);
const CORE_TYPES = ["EBS", "EC2", "EFS", "RDS", "DynamoDB", "S3"];
const CHINA_REGIONS = ["cn-north-1", "cn-northwest-1"];

/** Types the "Supported services by AWS Region" table leaves blank for both China Regions. */
const UNAVAILABLE_IN_CHINA = ["DSQL", "EKS", "SAP HANA on Amazon EC2", "Timestream", "VirtualMachine"];

function partitionWideTypes(partition: string): string[] {
    return BACKUP_RESOURCE_TYPES.filter((t) => "partitions" in t.availability && t.availability.partitions.includes(partition)).map((t) => t.name);
}

describe("BACKUP_RESOURCE_TYPES", () => {
    it("names each resource type once", () => {
        const names = BACKUP_RESOURCE_TYPES.map((t) => t.name);
        assert.deepEqual(
            names.filter((name, i) => names.indexOf(name) !== i),
            [],
        );
    });

    it("uses spaces in names only where AWS documents them", () => {
        // The API's key pattern is ^[a-zA-Z0-9\-\_\.]{1,50}$, yet the documented names "SAP HANA on Amazon EC2",
        // "Storage Gateway" and "Redshift Serverless" contain spaces; those three are the only exceptions.
        const withSpaces = BACKUP_RESOURCE_TYPES.map((t) => t.name).filter((name) => !/^[a-zA-Z0-9\-_.]{1,50}$/.test(name));
        assert.deepEqual(withSpaces.sort(), ["Redshift Serverless", "SAP HANA on Amazon EC2", "Storage Gateway"]);
    });

    it("names only real Region codes in only and except lists, and except Regions lie in a listed partition", () => {
        for (const type of BACKUP_RESOURCE_TYPES) {
            const availability = type.availability;
            if ("only" in availability) {
                assert.ok(availability.only.length > 0, `${type.name} is available nowhere`);
                for (const region of availability.only) {
                    assert.ok(REGION_CODES.includes(region), `${type.name}: ${region} is not in the Region enum`);
                }
            } else {
                assert.ok(availability.partitions.length > 0, `${type.name} lists no partition`);
                availability.partitions.forEach(assertPartition);
                for (const region of availability.except ?? []) {
                    assert.ok(REGION_CODES.includes(region), `${type.name}: ${region} is not in the Region enum`);
                    assert.ok(availability.partitions.includes(partitionOf(region)), `${type.name}: ${region} is outside its partitions`);
                }
            }
        }
    });

    it("maps every Region of the AWS table to a Region enum code, once", () => {
        for (const region of DOCUMENTED_REGIONS) {
            assert.ok(REGION_CODES.includes(region), `${region} is not in the Region enum`);
        }
        assert.equal(new Set(DOCUMENTED_REGIONS).size, DOCUMENTED_REGIONS.length);
    });

    it("cites an AWS documentation page for every type", () => {
        for (const type of BACKUP_RESOURCE_TYPES) {
            assert.match(type.source, /^https:\/\/docs\.aws\.amazon\.com\/aws-backup\//, type.name);
        }
    });
});

describe("backupResourceTypesIn", () => {
    it("offers the core types in eu-west-1 and us-east-1", () => {
        for (const region of ["eu-west-1", "us-east-1"]) {
            const types = backupResourceTypesIn(region);
            for (const core of CORE_TYPES) {
                assert.ok(types.includes(core), `${core} missing in ${region}`);
            }
        }
    });

    it("leaves out region-limited types where the AWS table is blank", () => {
        // "Amazon DocumentDB" is blank for US West (N. California); compare the us-west-1 failure in terraform-provider-aws issue 21801.
        assert.ok(!backupResourceTypesIn("us-west-1").includes("DocumentDB"));
        // "Amazon Timestream" is blank for Europe (London) but ticked for Europe (Ireland).
        assert.ok(!backupResourceTypesIn("eu-west-2").includes("Timestream"));
        assert.ok(backupResourceTypesIn("eu-west-1").includes("Timestream"));
    });

    it("gives the China Regions no type documented as unavailable there", () => {
        for (const region of CHINA_REGIONS) {
            const types = backupResourceTypesIn(region);
            assert.deepEqual(
                types.filter((name) => UNAVAILABLE_IN_CHINA.includes(name)),
                [],
                region,
            );
            assert.ok(types.includes("S3") && types.includes("EBS"), `${region} lost its core types`);
        }
    });

    it("gives a Region newer than the table only the types documented for every Region of its partition", () => {
        const expected = ["Aurora", "CloudFormation", "DynamoDB", "EBS", "EC2", "EFS", "RDS", "Redshift"];
        assert.deepEqual(backupResourceTypesIn("ap-southeast-9"), expected);
        assert.deepEqual(backupResourceTypesIn("ap-southeast-9"), partitionWideTypes("aws"));
        assert.deepEqual(backupResourceTypesIn("cn-southwest-9"), partitionWideTypes("aws-cn"));
    });

    it("lists nothing for partitions the AWS table does not cover", () => {
        assert.deepEqual(backupResourceTypesIn("us-iso-east-1"), []);
        assert.deepEqual(backupResourceTypesIn("us-isob-east-1"), []);
    });

    it("keeps the order of BACKUP_RESOURCE_TYPES", () => {
        const order = BACKUP_RESOURCE_TYPES.map((t) => t.name);
        for (const region of REGION_CODES) {
            const indexes = backupResourceTypesIn(region).map((name) => order.indexOf(name));
            assert.deepEqual(
                indexes,
                [...indexes].sort((a, b) => a - b),
                region,
            );
        }
    });

    it("offers every type in at least one Region of the Region enum", () => {
        const offered = new Set(REGION_CODES.flatMap(backupResourceTypesIn));
        assert.deepEqual(
            BACKUP_RESOURCE_TYPES.map((t) => t.name).filter((name) => !offered.has(name)),
            [],
        );
    });

    it("rejects strings that are not Region codes instead of guessing", () => {
        assert.throws(() => backupResourceTypesIn("eu-west"), /Not an AWS region code/);
        assert.throws(() => backupResourceTypesIn("Europe (Ireland)"), /Not an AWS region code/);
    });
});

describe("fullManagementTypes", () => {
    it("includes DynamoDB and EFS", () => {
        const types = fullManagementTypes();
        assert.ok(types.includes("DynamoDB"));
        assert.ok(types.includes("EFS"));
    });

    it("names only known resource types", () => {
        const names = BACKUP_RESOURCE_TYPES.map((t) => t.name);
        for (const name of fullManagementTypes()) {
            assert.ok(names.includes(name), name);
        }
    });
});
