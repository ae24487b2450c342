export { incidentWorkflow } from './incident.js';
export { reminderWorkflow } from './reminders.js';
export { digestWorkflow } from './digest.js';
