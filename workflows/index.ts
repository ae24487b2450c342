export { incidentWorkflow } from './incident.js';
export { reminderWorkflow } from './reminders.js';
