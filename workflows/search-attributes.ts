import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes every incident workflow carries, so the Temporal UI can filter incidents (CONTRACT section 4). */
export const AlertName = defineSearchAttributeKey('AlertName', SearchAttributeType.KEYWORD);
export const AlertSource = defineSearchAttributeKey('AlertSource', SearchAttributeType.KEYWORD);
export const Severity = defineSearchAttributeKey('Severity', SearchAttributeType.KEYWORD);
export const IncidentStatus = defineSearchAttributeKey('IncidentStatus', SearchAttributeType.KEYWORD);
export const K8sNamespace = defineSearchAttributeKey('K8sNamespace', SearchAttributeType.KEYWORD);
export const ApprovedBy = defineSearchAttributeKey('ApprovedBy', SearchAttributeType.KEYWORD_LIST);

export const incidentSearchAttributes = [AlertName, AlertSource, Severity, IncidentStatus, K8sNamespace, ApprovedBy];
