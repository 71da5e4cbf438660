// @camunda8/orchestration-cluster-api, configured from the environment
// alone (zero-config), as exec --serve sets it: getTopology, a wait past
// the token's refresh point, getTopology again.
import createCamundaClient from '@camunda8/orchestration-cluster-api';
import { run, waitMs } from './common.mjs';

const wait = waitMs();
const camunda = createCamundaClient();
await run({ 'orchestration-cluster-api': () => camunda.getTopology() }, wait);
