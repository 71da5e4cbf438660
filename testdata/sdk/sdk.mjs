// @camunda8/sdk, configured from the environment alone, as exec --serve
// sets it: the 8.8 REST client (the SDK's own OAuth provider, which reads
// the token's exp) and the Orchestration Cluster API client the SDK hands
// out; each calls getTopology, waits past the token's refresh point, and
// calls again.
import { Camunda8 } from '@camunda8/sdk';
import { run, waitMs } from './common.mjs';

const wait = waitMs();
const c8 = new Camunda8();
const rest = c8.getCamundaRestClient();
const oca = c8.getOrchestrationClusterApiClient();
await run({
	'sdk-rest': () => rest.getTopology(),
	'sdk-orchestration': () => oca.getTopology(),
}, wait);
