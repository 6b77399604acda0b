// Folders and files the recording keeps, apart from the barrel: the agent's pump thread loads this alone, quickly.
export { makeDirectory, storeFolderProblem } from '../store/make-directory.js';
