import { kubectlAcceptance } from './kubectl-acceptance.js';

kubectlAcceptance('1.27');
